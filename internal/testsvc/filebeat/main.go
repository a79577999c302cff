// Command filebeat builds the real Filebeat 7.17.0 (the OSS default inputs and outputs) so that
// sluice's tests talk to the same Lumberjack client that users run in front of it. It lives in a
// module of its own because beats pins old dependencies and replace directives that must not
// leak into sluice's go.mod.
package main

import (
	"os"

	"github.com/elastic/beats/v7/filebeat/cmd"
	inputs "github.com/elastic/beats/v7/filebeat/input/default-inputs"
)

func main() {
	if err := cmd.Filebeat(inputs.Init, cmd.FilebeatSettings()).Execute(); err != nil {
		os.Exit(1)
	}
}
