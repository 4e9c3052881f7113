package tui

// Audit actions for reads the action screens make.
const (
	ActionViewRegimeHistory = "view-regime-history"
)
