package main

import (
	"github.com/spf13/cobra"

	"github.com/telehjerte/telehjerte-tui/config"
)

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "telehjerte-tui",
		Short: "Console for nurses monitoring heart-failure patients at home (TeleHjerte)",
		Long: `telehjerte-tui is the monitoring nurse's console: a worklist of patients with
new, red, yellow or missing measurements and unread messages, and a patient view
with charts. With no central server configured (central.url) it opens a
synthetic DEMO clinic, rebuilt on every start.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			return runConsole(cmd.Context(), e, cfg)
		},
	}
	config.AddFlags(root.PersistentFlags())
	root.AddCommand(newWorklistCmd(e), newConfigCmd(e), newSeedCmd(e), newVersionCmd(e))
	return root
}

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
