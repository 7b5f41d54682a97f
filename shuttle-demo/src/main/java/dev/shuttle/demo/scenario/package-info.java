/**
 * The guide's examples written with Shuttle's public API: the living documentation of it. Each
 * scenario uses the guide's span names and attribute keys, without the guide's defects.
 */
@NullMarked
package dev.shuttle.demo.scenario;

import org.jspecify.annotations.NullMarked;
