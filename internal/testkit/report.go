package testkit

import (
	"fmt"
	"time"

	"gridcmd/model"
)

// FileReport applies the report rule as the store does: Check, then the
// checked report's Incident with the sequence, id, reporter and clock.
func FileReport(seq uint64, id string, r model.Report, reporter model.Person, now time.Time, p model.Policy) (model.Incident, model.Event, error) {
	c, err := r.Check(p)
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	return c.Incident(seq, id, reporter, now, p)
}

// IncidentID is the public id of the n-th incident of day (in day's own
// zone): PREFIX-YYYYMMDD-NNNN, the form model.ParseIncidentID reads. The
// store builds its ids by hand, without fmt; its tests hold them to this.
func IncidentID(prefix string, day time.Time, n uint64) string {
	return fmt.Sprintf("%s-%s-%04d", prefix, day.Format("20060102"), n)
}
