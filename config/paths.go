package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AppDir is the directory name under each XDG base directory.
const AppDir = "telehjerte"

// Dirs are the XDG base directories of the console, already joined with
// AppDir.
type Dirs struct {
	Config string // $XDG_CONFIG_HOME/telehjerte, ~/.config/telehjerte
	Data   string // $XDG_DATA_HOME/telehjerte, ~/.local/share/telehjerte
	State  string // $XDG_STATE_HOME/telehjerte, ~/.local/state/telehjerte
}

// XDGDirs resolves the base directories from the environment. A relative
// XDG_* value is ignored, as the XDG spec requires, and the fallback under
// the home directory is used.
func XDGDirs() (Dirs, error) {
	var home string
	base := func(env string, fallback ...string) (string, error) {
		if v := os.Getenv(env); v != "" && filepath.IsAbs(v) {
			return filepath.Join(v, AppDir), nil
		}
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil || h == "" {
				return "", fmt.Errorf("%s is not set and the home directory is unknown: %w", env, err)
			}
			home = h
		}
		return filepath.Join(append(append([]string{home}, fallback...), AppDir)...), nil
	}
	var d Dirs
	var err error
	if d.Config, err = base("XDG_CONFIG_HOME", ".config"); err != nil {
		return Dirs{}, err
	}
	if d.Data, err = base("XDG_DATA_HOME", ".local", "share"); err != nil {
		return Dirs{}, err
	}
	if d.State, err = base("XDG_STATE_HOME", ".local", "state"); err != nil {
		return Dirs{}, err
	}
	return d, nil
}

// expandHome replaces a leading "~/" with the home directory.
func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expand %q: %w", p, err)
	}
	return filepath.Join(h, strings.TrimPrefix(p, "~")), nil
}
