package models

import "testing"

func TestWithoutJIT(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://h:p@127.0.0.1:5432/db?sslmode=disable":  "postgres://h:p@127.0.0.1:5432/db?jit=off&sslmode=disable",
		"postgresql://h@db/x":                               "postgresql://h@db/x?jit=off",
		"postgres://h@db/x?jit=on":                          "postgres://h@db/x?jit=on", // the operator's choice stands
		"postgres://h@db/x?sslmode=disable&search_path=t_1": "postgres://h@db/x?jit=off&search_path=t_1&sslmode=disable",
		"host=/run/postgresql dbname=hearth":                "host=/run/postgresql dbname=hearth", // not a URL: untouched
	} {
		if got := withoutJIT(in); got != want {
			t.Errorf("withoutJIT(%q) = %q, want %q", in, got, want)
		}
	}
}
