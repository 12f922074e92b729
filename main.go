// Command gridcmd is a terminal command console for grid-based emergency
// governance: it keeps a town's five-level grid tower, its rosters and its
// incidents in one bbolt file and moves incidents up the command chain.
package main

import (
	"os"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"gridcmd/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
