package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

// settings are lathe's tool settings, not the project's: they come from
// flags, then LATHE_* environment variables, then a config file
// ($XDG_CONFIG_HOME/lathe/config.toml, or the file --config names), then
// defaults. A project file never holds them.
type settings struct {
	Quiet bool // print nothing but errors
	Jobs  int  // projects processed at once; 0 = the command's default
}

// jobs returns how many projects a command processes at once: the
// setting, or def when none is given.
func (s settings) jobs(def int) int {
	if s.Jobs > 0 {
		return s.Jobs
	}
	return max(def, 1)
}

func addSettingsFlags(root *cobra.Command) {
	f := root.PersistentFlags()
	f.String("config", "", "tool settings file (default $XDG_CONFIG_HOME/lathe/config.toml)")
	f.BoolP("quiet", "q", false, "print nothing but errors")
	f.IntP("jobs", "j", 0, "projects processed at once (default: 1 for build, the number of CPUs for check)")
}

func loadSettings(cmd *cobra.Command) (settings, error) {
	v := viper.New()
	v.SetEnvPrefix("LATHE")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	v.SetDefault("jobs", 0)
	v.SetDefault("quiet", false)
	for _, name := range []string{"quiet", "jobs"} {
		if err := v.BindPFlag(name, cmd.Flags().Lookup(name)); err != nil {
			return settings{}, err
		}
	}
	path, _ := cmd.Flags().GetString("config")
	explicit := path != ""
	if path == "" {
		path = v.GetString("config")
		explicit = path != ""
	}
	if path == "" {
		if dir, err := os.UserConfigDir(); err == nil {
			path = filepath.Join(dir, "lathe", "config.toml")
		}
	}
	if path != "" {
		v.SetConfigFile(path)
		v.SetConfigType("toml")
		if err := v.ReadInConfig(); err != nil {
			var notFound *os.PathError
			if explicit || !errors.As(err, &notFound) {
				return settings{}, fmt.Errorf("settings file %s: %w", path, err)
			}
		}
		for _, k := range v.AllKeys() {
			if k != "quiet" && k != "jobs" && k != "config" {
				return settings{}, fmt.Errorf("settings file %s: unknown setting %q (lathe takes quiet, jobs)", path, k)
			}
		}
	}
	s := settings{Quiet: v.GetBool("quiet"), Jobs: v.GetInt("jobs")}
	if s.Jobs < 0 {
		return settings{}, fmt.Errorf("jobs: %d is not a number of projects (want 1 or more, or 0 for the command's default)", s.Jobs)
	}
	return s, nil
}
