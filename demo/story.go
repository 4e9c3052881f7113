package demo

import "fmt"

// Story is what a demo patient shows the nurse. The first ten patients have
// fixed stories when Options.Patients is at least 10 (and the history is at
// least a week long, so the multi-day stories fit); every other patient is
// StoryNone: stable or mildly varying.
type Story int

// Stories, in patient order: StoryStable is pat-0001, StoryWeightGain
// pat-0002, and so on up to StoryLateArrival, pat-0010.
const (
	StoryNone Story = iota
	// StoryStable: all green, acknowledged regularly, nothing open.
	StoryStable
	// StoryWeightGain: 2.5 kg gained over the last three mornings; yesterday
	// yellow, this morning red (>= reference weight + 3 kg).
	StoryWeightGain
	// StoryPulseHigh: pulse 92 this morning, yellow by the default limits.
	StoryPulseHigh
	// StoryPulseLow: pulse 41 this morning, red by individual pulse limits
	// (red at or below 42) set in a second regime version mid-history.
	StoryPulseLow
	// StoryMissedMornings: the last three mornings whose 12:00 deadline has
	// passed have no readings: open missing tasks.
	StoryMissedMornings
	// StoryDizzyMessage: an unread message from the patient about dizziness
	// ("svimmel").
	StoryDizzyMessage
	// StoryBPUnclassified: measures blood pressure but has no blood-pressure
	// thresholds, so every BP reading is unclassified.
	StoryBPUnclassified
	// StoryStartUp: in the daily start-up phase, started five days ago; this
	// morning's first weight, 0.4 kg, is a device error (implausible), weighed
	// again minutes later.
	StoryStartUp
	// StoryCOPD: also in the COPD programme, with SpO2 readings (red low 88,
	// yellow low 92), and this morning's questionnaire has a yellow answer
	// (more breathless than usual).
	StoryCOPD
	// StoryLateArrival: weighed at 14:10 with a 12:00 deadline; the missing
	// task was resolved by the late arrival ("late-arrival").
	StoryLateArrival
	storyCount
)

var storyNames = [...]string{
	StoryNone:           "none",
	StoryStable:         "stable",
	StoryWeightGain:     "weight-gain",
	StoryPulseHigh:      "pulse-high",
	StoryPulseLow:       "pulse-low",
	StoryMissedMornings: "missed-mornings",
	StoryDizzyMessage:   "dizzy-message",
	StoryBPUnclassified: "bp-unclassified",
	StoryStartUp:        "start-up",
	StoryCOPD:           "copd",
	StoryLateArrival:    "late-arrival",
}

func (s Story) String() string {
	if s < 0 || s >= storyCount {
		return fmt.Sprintf("story(%d)", int(s))
	}
	return storyNames[s]
}

// Stories returns every story except StoryNone, in patient order.
func Stories() []Story {
	out := make([]Story, 0, storyCount-1)
	for s := StoryStable; s < storyCount; s++ {
		out = append(out, s)
	}
	return out
}

// storyPatients is how many leading patients carry stories.
const storyPatients = int(storyCount) - 1

// PatientID is the id of the n-th generated patient, counting from 1:
// "pat-0001".
func PatientID(n int) string { return fmt.Sprintf("pat-%04d", n) }

// StoryPatientID is the id of the patient with story s when Options.Patients
// is at least 10, or "" for StoryNone and unknown stories.
func StoryPatientID(s Story) string {
	if s <= StoryNone || s >= storyCount {
		return ""
	}
	return PatientID(int(s))
}

// storyOf is the story of the patient at index i (0-based).
func storyOf(i, patients int) Story {
	if patients < storyPatients || i >= storyPatients {
		return StoryNone
	}
	return Story(i + 1)
}
