package main

import (
	"fmt"

	"example.com/dep"
	"example.com/lib"
	"example.com/tool"
)

func main() { fmt.Println(lib.Hello(), dep.Name(), tool.Name()) }
