package dev.shuttle.demo;

/**
 * Why what a scenario recorded did not all arrive where the demo exported it.
 *
 * @param reason what went wrong, for the user
 * @param exportFailed whether the exporter itself failed (the endpoint refused or did not answer),
 *     so that the scenarios after it would fail too; otherwise only this scenario's data is
 *     incomplete
 */
record ExportProblem(String reason, boolean exportFailed) {}
