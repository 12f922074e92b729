package federation

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"gridcmd/model"
)

// HubDomain is the JetStream domain of the hub. A town's domain is its
// code, which never reads "hub" (codes are digits and letters of the
// division list; ValidTown refuses "hub").
const HubDomain = "hub"

// The names on the wire. A town's everything lives under gridcmd.<town>:
// its events, the hub's deliveries of them (the source's deliver prefix),
// its commands. The hub's permissions for a town's leaf connection allow it
// to send only there.
const (
	hubStream      = "GRIDCMD_HUB"      // the hub's stream sourcing every town's
	commandsStream = "GRIDCMD_COMMANDS" // the hub's commands for the towns

	// HeaderSeq carries the record's Seq (the town's event sequence, or the
	// hub's command number); HeaderTime the time it was published, so the
	// lag of the county's picture can be told.
	HeaderSeq  = "Gridcmd-Seq"
	HeaderTime = "Gridcmd-Time"

	// streamMaxAge is how long a stream keeps a message: a town cut from
	// its hub for longer loses what its stream held past it (its file
	// keeps the log; the records are published again only from the
	// cursor on).
	streamMaxAge = 30 * 24 * time.Hour
)

// TownStream is the town's local stream, GRIDCMD_<town>.
func TownStream(town model.NodeCode) string { return "GRIDCMD_" + string(town) }

// EventsSubject is the subject of a town's events, gridcmd.<town>.events.
func EventsSubject(town model.NodeCode) string { return "gridcmd." + string(town) + ".events" }

// CommandsSubject is the subject of the hub's commands for a town,
// gridcmd.<town>.commands.
func CommandsSubject(town model.NodeCode) string { return "gridcmd." + string(town) + ".commands" }

// townPrefix is every subject of a town, gridcmd.<town>.>.
func townPrefix(town model.NodeCode) string { return "gridcmd." + string(town) + ".>" }

// deliverPrefix is where the hub's source of a town's stream has the
// town's server deliver: under the town's own prefix, so the permission
// "gridcmd.<town>.>" covers it and nothing of another town.
func deliverPrefix(town model.NodeCode) string { return "gridcmd." + string(town) + ".deliver" }

// applierOf is the hub's durable consumer applying a town's records to the
// read model, gridcmd_apply_<town>.
func applierOf(town model.NodeCode) string { return "gridcmd_apply_" + string(town) }

// commandConsumer is the durable consumer of a town's commands on the hub.
func commandConsumer(town model.NodeCode) string { return "town_" + string(town) }

// jsAPIPrefix is the JetStream API of a domain as seen across leaf nodes.
func jsAPIPrefix(domain string) string { return "$JS." + domain + ".API" }

var townRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// ValidTown refuses a town code that cannot name a JetStream domain, a
// stream and a subject token.
func ValidTown(town model.NodeCode) error {
	if !townRe.MatchString(string(town)) || strings.EqualFold(string(town), HubDomain) {
		return model.Errorf(model.EINVALID, "federation: town code %q: want 1-32 letters, digits, - or _ (and not %q)", town, HubDomain).
			Zh("联邦：镇代码 %q 无效：须为 1-32 位字母、数字、- 或 _（且不能是 %q）", town, HubDomain)
	}
	return nil
}

// townOfSubject is the town of gridcmd.<town>.<kind>, "" when the subject
// is not of that shape.
func townOfSubject(subject, kind string) model.NodeCode {
	parts := strings.Split(subject, ".")
	if len(parts) != 3 || parts[0] != "gridcmd" || parts[2] != kind {
		return ""
	}
	return model.NodeCode(parts[1])
}

// headerSeq reads a message's Gridcmd-Seq (0: missing or bad).
func headerSeq(v string) uint64 {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// headerTime reads a message's Gridcmd-Time (zero: missing or bad).
func headerTime(v string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}
	}
	return t
}
