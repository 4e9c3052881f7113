package main

import (
	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/config"
	"github.com/telehjerte/telehjerte-tui/demo/live"
)

func newRootCmd(e *env) *cobra.Command {
	var f consoleFlags
	root := &cobra.Command{
		Use:   "telehjerte-tui",
		Short: "Console for nurses monitoring heart-failure patients at home (TeleHjerte)",
		Long: `telehjerte-tui is the monitoring nurse's console: a worklist of patients with
new, red, yellow or missing measurements and unread messages, and a patient view
with charts. With a central server configured (central.url) it syncs the
local cache with it in the background and keeps working offline. Without one
it opens a synthetic DEMO clinic, rebuilt on every start and served by an
embedded central on loopback, where simulated patients send new readings and
the odd message every few seconds.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return runConsole(cmd.Context(), e.shifted(cfg.ClockOffset), cfg, f)
		},
	}
	config.AddFlags(root.PersistentFlags())
	root.Flags().DurationVar(&f.demoEvery, "demo-every", defaultDemoEvery,
		"demo: pause between simulated patient events (0 turns the simulator off)")
	root.Flags().Uint64Var(&f.demoSeed, "demo-seed", 1, "demo: seed of the patient simulator")
	root.AddCommand(newWorklistCmd(e), newSyncCmd(e), newAuditCmd(e), newReportCmd(e), newConfigCmd(e), newSeedCmd(e), newVersionCmd(e), newLoginCmd(e))
	return root
}

// defaultDemoEvery is the demo simulator's default pause between events.
const defaultDemoEvery = live.DefaultEvery

// loadConfig loads the configuration with the command's flags on top.
func loadConfig(cmd *cobra.Command) (config.Config, error) {
	return config.Load(config.LoadOptions{Flags: cmd.Flags()})
}

func newConfigCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration (secrets masked) and where each value came from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return cfg.Print(e.stdout)
		},
	}
}
