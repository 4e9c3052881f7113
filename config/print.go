package config

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// MaskSecret hides a secret: "****" followed by at most its last 4
// characters, and only when the secret is long enough (12 or more) that
// those reveal little. Empty stays empty.
func MaskSecret(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) >= 12:
		return "****" + s[len(s)-4:]
	}
	return "****"
}

// Masked returns every key with its effective value, secrets masked.
func (c Config) Masked() map[string]any {
	return map[string]any{
		KeyLang:           c.Lang,
		KeyUser:           c.User,
		KeyCachePath:      c.CachePath,
		KeyCentralURL:     c.Central.URL,
		KeyCentralToken:   MaskSecret(c.Central.Token),
		KeyCentralTokenFn: c.Central.TokenFile,
		KeyCentralCAFile:  c.Central.CAFile,
		KeyOAuthIssuer:    c.Central.OAuth.Issuer,
		KeyOAuthClientID:  c.Central.OAuth.ClientID,
		KeyOAuthScopes:    c.Central.OAuth.Scopes,
		KeySyncInterval:   c.SyncInterval.String(),
		KeySyncOverlap:    c.SyncOverlap.String(),
		KeySyncSettle:     c.SyncSettle.String(),
		KeyDemoPatients:   c.DemoPatients,
		KeyDemoDays:       c.DemoDays,
		KeyLogFile:        c.LogFile,
		KeyPatientDays:    c.PatientDays,
		KeyClockOffset:    FormatOffset(c.ClockOffset),
		KeyCannedReplies:  strings.Join(c.CannedReplies, " | "),
		KeyEnrolTemplate:  c.enrolTemplateText(),
	}
}

// Print writes the effective configuration, one key a line with its source,
// secrets masked, then the config file and the mode.
func (c Config) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	m := c.Masked()
	for _, d := range keyDefs {
		v := m[d.key]
		if s, ok := v.(string); ok && s == "" {
			v = `""`
		}
		fmt.Fprintf(tw, "%s\t%v\t(%s)\n", d.key, v, c.Source(d.key))
	}
	file := c.File
	if file == "" {
		file = "(none)"
	}
	fmt.Fprintf(tw, "# config file\t%s\t\n", file)
	fmt.Fprintf(tw, "# mode\t%s\t\n", c.Mode())
	if c.Mode() == ModeDemo {
		fmt.Fprintf(tw, "# demo cache\t%s\t\n", c.DemoCachePath)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("print config: %w", err)
	}
	return nil
}

// enrolTemplateText is the template file, or the built-in template's name.
func (c Config) enrolTemplateText() string {
	if c.EnrolTemplateFile != "" {
		return c.EnrolTemplateFile
	}
	return "(built in: " + c.EnrolTemplate.Name + ")"
}
