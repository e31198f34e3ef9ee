module github.com/example/service

go 1.21

toolchain go1.21.5

require (
	github.com/spf13/cobra v1.8.0
	golang.org/x/net v0.24.0 // indirect
	"gopkg.in/yaml.v3" v3.0.1
	github.com/local/thing v0.0.0-00010101000000-000000000000
)

require github.com/pkg/errors v0.9.1 // indirect

exclude golang.org/x/net v0.1.0

replace (
	gopkg.in/yaml.v3 v3.0.1 => github.com/acme/fork-of-yaml v3.0.2
	github.com/local/thing => ../thing
)

retract v1.0.0 // published by mistake
