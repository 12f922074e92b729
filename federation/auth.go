package federation

import (
	"fmt"
	"os"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"

	"gridcmd/model"
)

// A town's leaf connection to the hub authenticates with the town's nkey
// (its seed stays on the town's machine; the hub's config lists the public
// key) or with a credentials file (a hub run in NATS operator mode). On
// the hub each town's key is a user allowed only on leaf connections, with
// permissions that keep the town to its own names:
//
//   - what the town may send to the hub: gridcmd.<town>.> (the deliveries
//     of its stream to the hub's source arrive under it) but not its
//     commands or the hub's status word to it, the few API calls
//     of its own command consumer, and replies to the hub's requests;
//   - what the hub sends the town: its own domain's API ($JS.<town>.API.>,
//     so a town cannot take another town's domain and be sourced as it),
//     replies to its own inbox, flow control, the hub's word on what it
//     has of the town (gridcmd.<town>.status).

// townInbox is the inbox prefix of a town's clients, so the hub's replies
// to one town are not another's to receive.
func townInbox(town model.NodeCode) string { return "_INBOX_" + string(town) }

// townPermissions are a town's permissions on the hub, from the town's
// side as NATS reads a leaf user's: Publish is what the town may send into
// the hub, Subscribe what it may receive from it.
func townPermissions(town model.NodeCode) *server.Permissions {
	api := jsAPIPrefix(HubDomain)
	cons := commandsStream + "." + commandConsumer(town)
	return &server.Permissions{
		Publish: &server.SubjectPermission{Allow: []string{
			townPrefix(town),
			"$JSC.R.>", // replies to the hub's source's requests (random tokens)
			api + ".CONSUMER.MSG.NEXT." + cons,
			api + ".CONSUMER.INFO." + cons,
			"$JS.ACK." + cons + ".>",
			"$JS.ACK." + HubDomain + ".*." + cons + ".>",
		},
			// The town's commands and the hub's word to it are the hub's to
			// write: a town sending there would forge the county's commands
			// to itself, or take a command's number ahead of the hub so
			// the hub's own is dropped as a duplicate.
			Deny: []string{CommandsSubject(town), statusSubject(town)},
		},
		Subscribe: &server.SubjectPermission{Allow: []string{
			jsAPIPrefix(string(town)) + ".>",
			townInbox(town) + ".>",
			statusSubject(town),
			"$JS.FC.>",
			"$LDS.>",
		}},
	}
}

// HubTown is a town the hub federates: its code and the public nkey its
// leaf connection signs with.
type HubTown struct {
	Code model.NodeCode
	Nkey string // public user key, "U..."
}

// validTowns checks the hub's list of towns: valid codes, none twice, each
// with a user nkey, no key twice.
func validTowns(towns []HubTown) error {
	seen := map[model.NodeCode]bool{}
	keys := map[string]bool{}
	for i, t := range towns {
		if err := ValidTown(t.Code); err != nil {
			return fmt.Errorf("federation.towns[%d]: %w", i, err)
		}
		if seen[t.Code] {
			return fmt.Errorf("federation.towns[%d]: town %s listed twice", i, t.Code)
		}
		seen[t.Code] = true
		if !nkeys.IsValidPublicUserKey(t.Nkey) {
			return fmt.Errorf("federation.towns[%d].nkey: %q is not a public user nkey (U...)", i, t.Nkey)
		}
		if keys[t.Nkey] {
			return fmt.Errorf("federation.towns[%d].nkey: the key of town %s is another town's too", i, t.Code)
		}
		keys[t.Nkey] = true
	}
	return nil
}

// hubUsers are the hub's users: one per town (leaf connections only) and
// the hub's own in-process client (kp).
func hubUsers(towns []HubTown, self string) []*server.NkeyUser {
	users := []*server.NkeyUser{{
		Nkey:                   self,
		AllowedConnectionTypes: map[string]struct{}{"IN_PROCESS": {}},
	}}
	for _, t := range towns {
		users = append(users, &server.NkeyUser{
			Nkey:                   t.Nkey,
			Permissions:            townPermissions(t.Code),
			AllowedConnectionTypes: map[string]struct{}{"LEAFNODE": {}},
		})
	}
	return users
}

// ReadSeed reads an nkey seed file (the first line starting with "SU"),
// as nk -gen user writes it.
func ReadSeed(file string) (nkeys.KeyPair, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("federation.nkey_seed: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "SU") {
			kp, err := nkeys.FromSeed([]byte(line))
			if err != nil {
				return nil, fmt.Errorf("federation.nkey_seed: %s: %w", file, err)
			}
			return kp, nil
		}
	}
	return nil, fmt.Errorf("federation.nkey_seed: %s holds no user seed (a line starting SU)", file)
}

// NewTownKey makes a town's key pair: the seed to keep in the town's seed
// file and the public key to list in the hub's federation.towns.
func NewTownKey() (seed, public string, err error) {
	kp, err := nkeys.CreateUser()
	if err != nil {
		return "", "", err
	}
	s, err := kp.Seed()
	if err != nil {
		return "", "", err
	}
	p, err := kp.PublicKey()
	if err != nil {
		return "", "", err
	}
	return string(s), p, nil
}
