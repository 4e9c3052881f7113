package config

import (
	"time"

	"github.com/spf13/pflag"
)

// AddFlags registers --config and one flag per configurable key on fs. The
// flags' own defaults are zero values: Load applies the real defaults and
// only flags the user set take effect.
func AddFlags(fs *pflag.FlagSet) {
	fs.String(FlagConfig, "", "config file (default $XDG_CONFIG_HOME/telehjerte/config.yaml)")
	fs.String("lang", "", "language: da or en (key lang)")
	fs.String("user", "", "your user name or practitioner id (key user, default $USER)")
	fs.String("cache", "", "local cache file (key cache.path); with no central.url, opens this cache instead of the demo")
	fs.String("central-url", "", "central FHIR server base URL (key central.url); empty runs the demo")
	fs.String("central-token-file", "", "file holding the bearer token (key central.token_file)")
	fs.String("central-ca-file", "", "PEM file of CA certificates for the central (key central.ca_file)")
	fs.Duration("sync-interval", time.Duration(0), "how often to sync with the central (key sync.interval, default 15s)")
	fs.Int("demo-patients", 0, "patients in the demo clinic (key demo.patients, default 40)")
	fs.Int("demo-days", 0, "days of history in the demo clinic (key demo.days, default 60)")
	fs.String("log-file", "", "log file (key log.file, default $XDG_STATE_HOME/telehjerte/telehjerte.log)")
	fs.Int("patient-days", 0, "days of readings in the patient view (key patient.days, default 28)")
	fs.String("clock-offset", "", `shift the console's "now", e.g. 2d or -3h, for training and tests (key clock.offset, default 0)`)
	fs.String("enrol-template", "", "start-up regime template file used at enrolment (key enrol.template, default built in)")
}
