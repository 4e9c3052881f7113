package main

import (
	"path/filepath"
	"testing"
	"time"
)

// No server-side triage, no alarm, for questionnaires: a questionnaire
// with a red answer posted for the patient reaches the worklist as a red
// item on every server: from the central's review Task, and on a server
// that makes none (Medplum) as the console's own item. Before, a red
// answer on such a server never reached the worklist.
func TestInteropUntriagedQuestionnaireReachesTheWorklist(t *testing.T) {
	forEachServer(t, func(t *testing.T, srv *interopServer) {
		c := seedClinic(t, srv)
		bin := buildBinary(t)
		env := interopEnv(t, c, filepath.Join(t.TempDir(), "replica.sqlite"))
		syncOnce(t, bin, env)
		if g := interopWorklist(t, bin, env)[c.green.id]; g.Open.Red != 0 {
			t.Fatalf("before the questionnaire the green patient has %d open red items: %+v", g.Open.Red, g)
		}

		answer := func(question, text, colour string) obj {
			return obj{"linkId": question, "text": question, "answer": []any{obj{
				"extension":   []any{obj{"url": extColour, "valueCode": colour}},
				"valueString": text}}}
		}
		qr := srv.asPatient(t, c.green.id, interopNurseToken).create(obj{"resourceType": "QuestionnaireResponse",
			"status": "completed", "subject": ref("Patient", c.green.id),
			"authored": instant(time.Now().UTC().Add(-time.Minute).Truncate(time.Second)),
			"item": []any{
				answer("Er du mere forpustet end før?", "Ja, i hvile", "red"),
				answer("Hævede ben?", "Nej", "green"),
			}})
		if idOf(qr) == "" {
			t.Fatalf("the server gave the questionnaire no id: %v", qr)
		}
		syncOnce(t, bin, env)
		g := interopWorklist(t, bin, env)[c.green.id]
		expect(t, g.Status == "red" && g.Open.Red == 1,
			"after a questionnaire with a red answer the green patient's row is status %q with %d open red (want red, 1): %+v",
			g.Status, g.Open.Red, g)
	})
}
