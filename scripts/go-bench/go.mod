module shuttle.dev/gobench

go 1.19
