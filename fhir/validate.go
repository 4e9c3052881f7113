package fhir

import (
	"errors"
	"fmt"
	"regexp"
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)

// ValidID reports whether s is a valid FHIR logical id.
func ValidID(s string) bool { return idPattern.MatchString(s) }

func checkID(b *Base) error {
	if b.ID != "" && !ValidID(b.ID) {
		return fmt.Errorf("id %q is not a valid FHIR id", b.ID)
	}
	return nil
}

func required(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		switch v := pairs[i+1].(type) {
		case string:
			if v == "" {
				return fmt.Errorf("%s is required", name)
			}
		case bool:
			if !v {
				return fmt.Errorf("%s is required", name)
			}
		}
	}
	return nil
}

func checkQuantity(name string, q *Quantity) error {
	if q == nil {
		return nil
	}
	if q.Value == nil {
		return fmt.Errorf("%s.value is required", name)
	}
	return nil
}

func (r *Observation) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	if err := required("status", r.Status, "code.coding", len(r.Code.Coding) > 0,
		"subject", r.Subject != nil && r.Subject.Reference != ""); err != nil {
		return err
	}
	if err := checkQuantity("valueQuantity", r.ValueQuantity); err != nil {
		return err
	}
	if len(r.Component) > 16 || len(r.ReferenceRange) > 16 {
		return errors.New("implausibly many components or reference ranges")
	}
	for i, c := range r.Component {
		if len(c.Code.Coding) == 0 {
			return fmt.Errorf("component[%d].code.coding is required", i)
		}
		if err := checkQuantity(fmt.Sprintf("component[%d].valueQuantity", i), c.ValueQuantity); err != nil {
			return err
		}
	}
	return nil
}

func (r *Patient) validate() error { return checkID(&r.Base) }

func (r *Task) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	return required("status", r.Status, "intent", r.Intent)
}

func (r *Communication) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	if err := required("status", r.Status); err != nil {
		return err
	}
	if len(r.Payload) > 64 {
		return errors.New("implausibly many payloads")
	}
	return nil
}

func (r *QuestionnaireResponse) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	if err := required("status", r.Status, "subject", r.Subject != nil && r.Subject.Reference != ""); err != nil {
		return err
	}
	if len(r.Item) > 500 {
		return errors.New("implausibly many items")
	}
	return nil
}

func (r *Questionnaire) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	if err := required("status", r.Status); err != nil {
		return err
	}
	n := 0
	var count func(items []QuestionnaireItem, depth int) error
	count = func(items []QuestionnaireItem, depth int) error {
		if depth > 8 {
			return errors.New("items nested implausibly deep")
		}
		for _, it := range items {
			n += 1 + len(it.AnswerOption)
			if n > 2000 {
				return errors.New("implausibly many items and answer options")
			}
			if err := count(it.Item, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return count(r.Item, 0)
}

func (r *ServiceRequest) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	return required("status", r.Status, "intent", r.Intent, "subject.reference", r.Subject.Reference)
}

func (r *CarePlan) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	return required("status", r.Status, "intent", r.Intent, "subject.reference", r.Subject.Reference)
}

func (r *EpisodeOfCare) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	return required("status", r.Status, "patient.reference", r.Patient.Reference)
}

func (r *ClinicalImpression) validate() error {
	if err := checkID(&r.Base); err != nil {
		return err
	}
	return required("status", r.Status, "subject.reference", r.Subject.Reference)
}

func (r *Bundle) validate() error {
	if err := required("type", r.Type); err != nil {
		return err
	}
	if len(r.Entry) > MaxBundleEntries {
		return fmt.Errorf("%d entries is more than the %d allowed", len(r.Entry), MaxBundleEntries)
	}
	return nil
}

func (r *OperationOutcome) validate() error {
	return required("issue", len(r.Issue) > 0)
}
