module example.com/excluder

go 1.22

require (
	github.com/a/kept v1.2.0
	github.com/a/dropped v0.3.0 // excluded below
	github.com/b/fork v1.0.0
)

require github.com/c/local v0.1.0

exclude (
	github.com/a/dropped v0.3.0
	github.com/a/kept v1.1.0 // another version: the required one stays
)

replace github.com/b/fork v1.0.0 => github.com/b/fork2 v1.0.1-0.20240101000000-abcdefabcdef

replace github.com/c/local => ./local
