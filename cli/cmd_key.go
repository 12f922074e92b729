package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// keyService is what the key commands need: the keys and the roster.
type keyService interface {
	model.KeyService
	Person(ctx context.Context, id model.PersonID) (model.Person, error)
}

// keys are the SSH keys, as the key commands reach them.
func (a *app) keys() held[keyService] { return held[keyService]{a, a.withKeys} }

// withKeys reaches the database (through the server that holds it, if
// one does) for the key commands.
func (a *app) withKeys(run func(svc keyService) error) error {
	return a.withIntake(func(svc intakeService) error {
		ks, ok := svc.(keyService)
		if !ok {
			return model.Errorf(model.EUNAVAIL, "the gridcmd that holds the database does not keep SSH keys; update it").
				Zh("占用数据库的 gridcmd 不保存 SSH 密钥；请升级它")
		}
		return run(ks)
	})
}

func (a *app) keyCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "key",
		Short: "Add, list and revoke the SSH keys with which people open seats",
		Long: `A seat of the console over SSH ('gridcmd serve --ssh', or ssh.enabled) opens
for the person whose public key the client proves it holds: a duty officer
gets the town room, a village cadre the village room, a grid leader the grid.
Public-key authentication only. These commands work whether or not a gridcmd
holds the database; revoking a key closes its open seats within 2 s. Revoke
asks first, naming whose keys and how many seats are open with them (at a
terminal; elsewhere pass --yes).`,
	}, a.keyAddCmd(), a.keyListCmd(), a.keyRevokeCmd())
}

func (a *app) keyAddCmd() *cobra.Command {
	var person, file, name string
	var asJSON bool
	add := &cobra.Command{
		Use:   "add --person ID --file KEY.pub|-",
		Short: "Add a person's SSH public key (an authorized_keys line, e.g. id_ed25519.pub; - reads stdin)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			id, err := personFlag(person)
			if err != nil {
				return err
			}
			if file == "" {
				return usageError{model.Errorf(model.EINVALID, "key add: --file KEY.pub (or - for stdin) is required").
					Zh("key add：缺少 --file KEY.pub（或 - 读标准输入）")}
			}
			line, err := readKeyFile(file, cmd.InOrStdin())
			if err != nil {
				return usageError{err}
			}
			key, err := model.ParseAuthorizedKey(line)
			if err != nil {
				return usageError{fmt.Errorf("%s: %w", file, err)}
			}
			if name != "" {
				key.Name = name
			}
			return a.withKeys(func(svc keyService) error {
				k, err := svc.AddKey(cmd.Context(), id, key)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(a.out, a.keyJSON(k, personName(cmd.Context(), svc, k.Person)))
				}
				fmt.Fprintf(a.out, "added %s (%s) for %s\n", k.Fingerprint, k.Type, id)
				return nil
			})
		},
	}
	f := add.Flags()
	f.StringVar(&person, "person", "", "the person (e.g. P1085) whose key it is (required)")
	f.StringVar(&file, "file", "", "the public key file, one authorized_keys line; - for stdin (required)")
	f.StringVar(&name, "name", "", "a name for the key (default: the key's comment)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return add
}

// readKeyFile reads one public key line from file ("-": stdin): the first
// line that is not blank or a comment.
func readKeyFile(file string, stdin io.Reader) (string, error) {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, model.MaxAuthorizedKey+1))
	} else {
		var f *os.File
		if f, err = os.Open(file); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, 64<<10))
			f.Close()
		}
	}
	if err != nil {
		return "", fmt.Errorf("key add: %w", err)
	}
	if strings.Contains(string(data), "PRIVATE KEY") {
		return "", model.Errorf(model.EINVALID, "key add: %s is a private key; give the public one (.pub)", file).
			Zh("key add：%s 是私钥；请给出公钥（.pub）", file)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			return l, nil
		}
	}
	return "", model.Errorf(model.EINVALID, "key add: %s holds no public key", file).Zh("key add：%s 中没有公钥", file)
}

func (a *app) keyRevokeCmd() *cobra.Command {
	return a.keys().revokeCmd(revoking[keyService]{
		use:      "revoke (FINGERPRINT | --person ID) [--yes]",
		short:    "Revoke one key by its fingerprint (SHA256:...), or all of a person's; their open seats close",
		handle:   "one key fingerprint",
		handleZh: "一个密钥指纹",
		either:   "key revoke: give a fingerprint or --person, one of the two",
		eitherZh: "key revoke：指纹与 --person 给出其一，且只给一个",
		person:   "revoke every key of this person",
		one: func(ctx context.Context, svc keyService, fingerprint string) (string, error) {
			k, err := svc.RevokeKey(ctx, fingerprint)
			return fmt.Sprintf("revoked %s of %s", k.Fingerprint, k.Person), err
		},
		all: func(ctx context.Context, svc keyService, id model.PersonID) (string, error) {
			ks, err := svc.RevokeKeys(ctx, id)
			return fmt.Sprintf("revoked %s of %s", model.Count(len(ks), "SSH key"), id), err
		},
		ask: revokeKeysPrompt,
	})
}

// seatCounter is a gridcmd that holds the database and may serve seats
// over SSH (api.Client): it counts those open now.
type seatCounter interface {
	OpenSeats(ctx context.Context, person model.PersonID, fingerprint string) (int, error)
}

// openSeats is how many seats are open now of person's keys or, with
// fingerprint, of that key: 0 on the file this process opened itself (a
// seat is served only by the gridcmd that holds the file), -1 when the
// gridcmd that holds it cannot say (an older one).
func openSeats(ctx context.Context, svc keyService, person model.PersonID, fingerprint string) int {
	c, ok := svc.(seatCounter)
	if !ok {
		return 0
	}
	n, err := c.OpenSeats(ctx, person, fingerprint)
	if err != nil {
		return -1
	}
	return n
}

// revokeKeysPrompt is what key revoke asks: whose keys, how many (or which
// one), and how many seats of theirs are open and would close. Nothing is
// asked when there is no key to revoke (the revoke says so).
func revokeKeysPrompt(ctx context.Context, svc keyService, fingerprint string, id model.PersonID) (prompt, error) {
	ks, err := svc.Keys(ctx, id)
	if err != nil {
		return prompt{}, err
	}
	if fingerprint = strings.TrimSpace(fingerprint); fingerprint != "" {
		ks = slices.DeleteFunc(ks, func(k model.SSHKey) bool { return k.Fingerprint != fingerprint })
	}
	if len(ks) == 0 {
		return prompt{}, nil
	}
	holder := ks[0].Person
	who, whoZh := holder.String(), " "+holder.String()+" "
	if name := personName(ctx, svc, holder); name != "" {
		who, whoZh = name+" ("+who+")", name+"（"+holder.String()+"）"
	}
	p := prompt{question: "Revoke it?", questionZh: "确认吊销？"}
	if fingerprint == "" && len(ks) > 1 {
		p.question = "Revoke them?"
	}
	if fingerprint != "" {
		key, keyZh := fingerprint, fingerprint
		if n := ks[0].Name; n != "" {
			key, keyZh = key+" ("+n+")", keyZh+"（"+n+"）"
		}
		p.what = fmt.Sprintf("would revoke the SSH key %s of %s", key, who)
		p.whatZh = fmt.Sprintf("将吊销%s的 SSH 密钥 %s", whoZh, keyZh)
		holder = model.System // the key's seats, whoever's
	} else {
		p.what = fmt.Sprintf("would revoke %s of %s", model.Count(len(ks), "SSH key"), who)
		p.whatZh = fmt.Sprintf("将吊销%s的 %d 个 SSH 密钥", whoZh, len(ks))
	}
	en, zh := seatsClosing(openSeats(ctx, svc, holder, fingerprint), fingerprint != "" || len(ks) == 1)
	p.what, p.whatZh = p.what+en, p.whatZh+zh
	return p, nil
}

// seatsClosing says, after what a revoke would revoke (one key, or
// several), which open seats it would close: n of them, none, or (n < 0)
// those there may be.
func seatsClosing(n int, one bool) (en, zh string) {
	them := "them"
	if one {
		them = "it"
	}
	switch {
	case n < 0:
		return ", closing any seat open with " + them, "，并关闭用其打开的席位"
	case n == 0:
		return "; no seat is open with " + them, "；当前没有用其打开的席位"
	}
	return fmt.Sprintf(", closing the %s open with %s now", model.Count(n, "seat"), them),
		fmt.Sprintf("，并关闭当前用其打开的 %d 个席位", n)
}

func (a *app) keyListCmd() *cobra.Command {
	return listCmd(a.keys(), listing[keyService, model.SSHKey]{
		short:  "List the SSH keys: fingerprint, person, name, added, last used",
		person: "only this person's keys",
		fetch:  keyService.Keys,
		holder: func(k model.SSHKey) model.PersonID { return k.Person },
		print:  a.printKeys,
	})
}

func (a *app) printKeys(ks []model.SSHKey, names map[model.PersonID]string, asJSON bool) error {
	return printList(a, asJSON, ks, func(k model.SSHKey) keyJSON { return a.keyJSON(k, names[k.Person]) },
		[]string{"FINGERPRINT", "PERSON", "HOLDER", "NAME", "ADDED", "LAST USED"}, func(k model.SSHKey) []string {
			used := "never"
			if !k.LastUsed.IsZero() {
				used = a.minute(k.LastUsed)
			}
			return []string{k.Fingerprint, k.Person.String(), names[k.Person], k.Name, a.minute(k.Added), used}
		})
}

// keyJSON is one key in `key list --json`.
type keyJSON struct {
	Fingerprint string `json:"fingerprint"`
	Person      string `json:"person"`
	Holder      string `json:"holder,omitempty"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	AddedAt     string `json:"added_at"`
	LastUsedAt  string `json:"last_used_at,omitempty"`
}

func (a *app) keyJSON(k model.SSHKey, holder string) keyJSON {
	return keyJSON{Fingerprint: k.Fingerprint, Person: k.Person.String(), Holder: holder, Name: k.Name, Type: k.Type,
		AddedAt: a.local(k.Added, time.RFC3339), LastUsedAt: a.ts(k.LastUsed)}
}
