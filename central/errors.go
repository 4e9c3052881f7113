package central

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/telehjerte/telehjerte-tui/fhir"
)

// apiError is an error with its HTTP status and OperationOutcome issue code.
type apiError struct {
	status int
	code   string // OperationOutcome issue type
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, code, format string, a ...any) error {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, a...)}
}

// classify maps any error to status, issue code and a message safe to show.
func classify(err error) (int, string, string) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.code, ae.msg
	case errors.Is(err, fhir.ErrMalformed):
		return http.StatusBadRequest, "structure", err.Error()
	case errors.Is(err, ErrVersionConflict):
		return http.StatusPreconditionFailed, "conflict", err.Error()
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, "not-found", err.Error()
	}
	return http.StatusInternalServerError, "exception", "internal error"
}

func outcomeFor(err error) (int, *fhir.OperationOutcome) {
	status, code, msg := classify(err)
	sev := "error"
	if status >= 500 {
		sev = "fatal"
	}
	return status, fhir.NewOperationOutcome(sev, code, msg)
}
