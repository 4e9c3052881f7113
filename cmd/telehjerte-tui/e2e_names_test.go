package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/telehjerte/telehjerte-tui/demo"
	"github.com/telehjerte/telehjerte-tui/fhir"
)

// The real console synced with the real central names the demo clinic's
// cardiologist, not her id: in the regime history and after the regime
// form's physician field, which keeps her id; a version saved with the
// field untouched still refers to her Practitioner on the central (a
// reference stays a reference, never becomes her name as text).
func TestE2ERegimeNamesThePhysician(t *testing.T) {
	requireTmux(t)
	c := newActCentral(t)
	const pid = "pat-0003"
	name := patientName(c, pid)
	con := startActConsole(t, c, actNurse, "0")
	onlineWorklist(con)
	con.openPatient(name)

	con.send("v")
	scr := con.waitFor("the regime history", func(s string) bool { return strings.Contains(s, "Versioner af måleregimet for "+name) })
	if !strings.Contains(scr, "Ansvarlig læge: "+demo.PhysicianName) {
		t.Errorf("the history does not name the physician:\n%s", scr)
	}
	if strings.Contains(scr, demo.Physician) {
		t.Errorf("the history shows the physician's id:\n%s", scr)
	}
	con.send("Escape")
	con.waitFor("the patient view again", func(s string) bool { return strings.Contains(s, "Vægtkurve") })

	con.send("e")
	scr = con.waitFor("the regime form", func(s string) bool { return strings.Contains(s, "Måleregime for "+name) })
	if row := lineWith(scr, "Ansvarlig læge"); !strings.Contains(row, demo.Physician) || !strings.Contains(row, "= "+demo.PhysicianName) {
		t.Errorf("physician row: %q", row)
	}
	const reason = "Navne e2e"
	con.send("-l", reason)
	con.send("C-s")
	con.waitFor("the version saved", func(s string) bool { return strings.Contains(s, "Ny version af måleregimet gemt.") })
	eventually(t, "the new version on the central, its physician the same reference", func() (bool, string) {
		cps := c.search(actNurse, "CarePlan", url.Values{"patient": {pid}})
		if len(cps) != 1 {
			return false, fmt.Sprint(len(cps), " care plans")
		}
		cp, err := fhir.Decode[*fhir.CarePlan](cps[0].Raw)
		if err != nil {
			return false, err.Error()
		}
		if r := fhir.FindExtension(cp.Extension, fhir.ExtReason); r == nil || r.ValueString == nil || *r.ValueString != reason {
			return false, "not yet: " + string(cps[0].Raw)
		}
		e := fhir.FindExtension(cp.Extension, fhir.ExtPhysician)
		if e == nil || e.ValueReference == nil {
			t.Fatalf("the new version has no physician reference: %s", cps[0].Raw)
		}
		if got := e.ValueReference.Reference; got != "Practitioner/"+demo.Physician {
			t.Fatalf("the physician is %q (display %q), want the reference Practitioner/%s", got, e.ValueReference.Display, demo.Physician)
		}
		return true, ""
	})
	con.quit()
}
