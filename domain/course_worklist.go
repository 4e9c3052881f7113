package domain

// CourseGroup is the worklist group a patient's course flags ask for on
// their own: an overdue re-evaluation is yellow ("revurdering" past its
// date), failing to measure sits with the missing measurements; the other
// flags are reminders that show on the row without moving it up
// (GroupNone).
func CourseGroup(flags []CourseFlag) Group {
	g := GroupNone
	for _, f := range flags {
		switch f.Kind {
		case FlagReevaluationOverdue:
			g = min(g, GroupYellow)
		case FlagFailingToMeasure:
			g = min(g, GroupMissing)
		}
	}
	return g
}

// Group places the row on the worklist: the more urgent of its open items'
// group and its course flags' group.
func (r WorklistRow) Group() Group { return min(r.Open.Group(), CourseGroup(r.Course)) }

// NeedsAttention reports whether the row belongs on the worklist of open
// items: something open or a course flag.
func (r WorklistRow) NeedsAttention() bool { return r.Open.Any() || len(r.Course) > 0 }
