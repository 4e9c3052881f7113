package demo

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Common Danish given names and surnames; combined at random they make
// synthetic names. Any resemblance to a real person is a coincidence of
// common names, and the CPR form rules out a real CPR number.
var (
	givenMale = [...]string{
		"Jens", "Peter", "Lars", "Michael", "Henrik", "Søren", "Niels", "Anders",
		"Thomas", "Jørgen", "Hans", "Poul", "Erik", "Per", "Ole", "Bent", "Kurt",
		"Preben", "Finn", "Jan", "Flemming", "Leif", "Svend", "Knud", "Carsten",
		"Torben", "Bjarne", "Allan", "John", "Steen",
	}
	givenFemale = [...]string{
		"Anne", "Kirsten", "Hanne", "Mette", "Inge", "Karen", "Lene", "Susanne",
		"Bente", "Lone", "Birgitte", "Marianne", "Grethe", "Ruth", "Else", "Jytte",
		"Lis", "Birthe", "Connie", "Tove", "Annette", "Helle", "Pia", "Dorte",
		"Gitte", "Vibeke", "Ingrid", "Merete", "Bodil", "Yvonne",
	}
	surnames = [...]string{
		"Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen",
		"Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen",
		"Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen", "Johansen",
		"Møller", "Mortensen", "Knudsen", "Jakobsen", "Mikkelsen", "Frederiksen",
		"Lund", "Holm", "Schmidt", "Eriksen", "Kristiansen", "Simonsen", "Clausen",
		"Svendsen", "Andreasen", "Iversen", "Østergaard", "Jeppesen",
		"Vestergaard", "Nissen", "Lauridsen", "Kjær",
	}
)

// person is the identity part of a synthetic patient.
type person struct {
	Name  string
	Male  bool
	Birth time.Time // date only, UTC midnight
	CPR   string
}

// birthReference is the day the synthetic birth dates are counted back
// from. It is fixed, not today, so the same seed gives the same CPR numbers
// on every day (a training script written on Monday still matches on
// Friday); ages are minAge–maxAge on this day and drift by a year a year.
var birthReference = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// newPerson draws a synthetic person aged minAge–maxAge on birthReference.
// It draws the same numbers from rng whatever the date, so the names and
// CPR numbers of a seed never change.
func newPerson(rng *rand.Rand) person {
	var p person
	p.Male = rng.IntN(2) == 0
	if p.Male {
		p.Name = givenMale[rng.IntN(len(givenMale))]
	} else {
		p.Name = givenFemale[rng.IntN(len(givenFemale))]
	}
	p.Name += " " + surnames[rng.IntN(len(surnames))]
	age := minAge + rng.IntN(maxAge-minAge+1)
	// A birthday between a year less a day and zero days before the
	// anniversary keeps the age exactly age on the reference day.
	ref := birthReference
	p.Birth = time.Date(ref.Year()-age, ref.Month(), ref.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -rng.IntN(365))
	p.CPR = syntheticCPR(rng, p.Birth, p.Male)
	return p
}

// Ages of the generated patients.
const (
	minAge = 45
	maxAge = 90
)

// syntheticCPR builds a CPR number DDMMYYSSSG whose day field is the day of
// birth plus 60 (61–91). The seventh digit encodes the century by the CPR
// rules so the number is consistent with the birth date; the last digit is
// odd for men and even for women.
func syntheticCPR(rng *rand.Rand, birth time.Time, male bool) string {
	yy := birth.Year() % 100
	century := centuryDigits(birth.Year())
	d7 := century[rng.IntN(len(century))]
	d89 := rng.IntN(100)
	d10 := 2 * rng.IntN(5)
	if male {
		d10++
	}
	return fmt.Sprintf("%02d%02d%02d%d%02d%d", birth.Day()+60, int(birth.Month()), yy, d7, d89, d10)
}

// centuryDigits are the seventh CPR digits valid for a birth year.
func centuryDigits(year int) []int {
	yy := year % 100
	switch {
	case year >= 1900 && year <= 1999 && yy >= 37:
		return []int{0, 1, 2, 3, 4, 9}
	case year >= 1900 && year <= 1999:
		return []int{0, 1, 2, 3}
	case year >= 2000 && year <= 2036:
		return []int{4, 5, 6, 7, 8, 9}
	case year >= 2037 && year <= 2057:
		return []int{5, 6, 7, 8}
	default: // 1858–1899
		return []int{5, 6, 7, 8}
	}
}

// CPRBirthDate decodes the birth date of a CPR number (either an ordinary one
// or the day+60 form used by the demo) by the century rules. It is exported
// so tests and tools can check that a synthetic CPR matches its birth date.
func CPRBirthDate(cpr string) (time.Time, error) {
	if len(cpr) != 10 {
		return time.Time{}, fmt.Errorf("cpr: want 10 digits, got %d characters", len(cpr))
	}
	var d [10]int
	for i := range 10 {
		c := cpr[i]
		if c < '0' || c > '9' {
			return time.Time{}, fmt.Errorf("cpr: character %d is not a digit", i+1)
		}
		d[i] = int(c - '0')
	}
	day := d[0]*10 + d[1]
	if day > 60 {
		day -= 60
	}
	month := d[2]*10 + d[3]
	yy := d[4]*10 + d[5]
	var year int
	switch c := d[6]; {
	case c <= 3:
		year = 1900 + yy
	case c == 4 || c == 9:
		if yy <= 36 {
			year = 2000 + yy
		} else {
			year = 1900 + yy
		}
	default:
		if yy <= 57 {
			year = 2000 + yy
		} else {
			year = 1800 + yy
		}
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 || t.Day() != day {
		return time.Time{}, fmt.Errorf("cpr: no such date %02d-%02d-%d", day, month, year)
	}
	return t, nil
}
