package models

// UserColumns exposes the columns SessionUser reads to the coverage test.
var UserColumns = userColumns

// ThreadColumns and CategoryColumns expose the columns ThreadCategory and
// MemberThreadRead read to the coverage test.
var ThreadColumns, CategoryColumns = threadAllColumns, categoryAllColumns

// ViewerLikes exposes ViewerThreadState's likes lookup to its plan test.
const ViewerLikes = viewerLikes
