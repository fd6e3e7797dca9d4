package models

// UserColumns exposes the columns SessionUser reads to the coverage test.
var UserColumns = userColumns
