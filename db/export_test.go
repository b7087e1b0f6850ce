package db

// LockUnitMetrics exposes lockUnitMetrics to the tests of package db_test.
var LockUnitMetrics = lockUnitMetrics
