package server

// NextCorpus lets the HTTP tests (package server_test) replay the
// redirect corpus through the real login.
var NextCorpus = nextCorpus
