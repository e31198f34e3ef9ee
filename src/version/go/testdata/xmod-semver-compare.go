// Oracle: golang.org/x/mod/semver (Debian package golang-golang-x-mod-dev), the ordering the go
// command uses for module versions. Reads "A<TAB>B" lines on stdin; prints semver.Compare per line, or
// "invalid" when either side is not a valid module version. Run in GOPATH mode:
// GO111MODULE=off GOPATH=/usr/share/gocode go run xmod-semver-compare.go
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		parts := strings.SplitN(in.Text(), "\t", 2)
		if len(parts) != 2 || !semver.IsValid(parts[0]) || !semver.IsValid(parts[1]) {
			fmt.Fprintln(out, "invalid")
			continue
		}
		fmt.Fprintln(out, semver.Compare(parts[0], parts[1]))
	}
}
