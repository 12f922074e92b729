package cli

import (
	"context"
	"fmt"
	"strings"

	"gridcmd/model"
)

// roomResolver is a.nameResolver for a room actor names (duty import's
// room column, --room): within actor's town as every name is, but a name
// no node of that town has is looked for among the other towns and their
// villages, so that on a file of several towns a room of another town is
// refused as one ("园丁社区 330784001001 is a room of 东城街道 330784001, not
// of 花街镇 330784114"), not as a name nothing has. A room above the towns
// (a county officer's) resolves over its whole division already.
func (a *app) roomResolver(ctx context.Context, db backend, actor model.PersonID) nameResolver {
	within := a.nameResolver(ctx, db, actor)
	return func(s string, levels ...model.Level) (model.NodeCode, error) {
		c, err := within(s, levels...)
		if model.ErrorCode(err) != model.ENOTFOUND {
			return c, err
		}
		seat, ok := actorSeat(ctx, db, actor)
		if !ok || seat.Town == "" || seat.AboveTown() {
			return c, err
		}
		rooms, names, lerr := otherTownsRooms(ctx, db, seat.Town, s)
		if lerr != nil || len(rooms) == 0 {
			return c, err
		}
		return "", roomOfAnotherTown(s, rooms, seat, names)
	}
}

// otherTownsRooms are the rooms (a town, a village) named s in each town of
// the file but own, one per town, and a namer of the towns and villages
// read. It reads the divisions, towns and villages only, never a grid.
func otherTownsRooms(ctx context.Context, db backend, own model.NodeCode, s string) ([]model.NodeCode, func(model.NodeCode) string, error) {
	roots, err := db.Subtree(ctx, "", 0)
	if err != nil {
		return nil, nil, err
	}
	byTown := map[model.NodeCode][]model.Node{}
	var towns []model.NodeCode
	shown := map[model.NodeCode]string{}
	for _, r := range roots {
		if r.Level > model.LevelTown {
			continue
		}
		nodes, err := db.Subtree(ctx, r.Code, int(model.LevelVillage-r.Level))
		if err != nil {
			return nil, nil, err
		}
		for _, n := range nodes {
			shown[n.Code] = n.Name
			if t := n.Code.Town(); t != "" && t != own {
				if n.Level == model.LevelTown {
					towns = append(towns, t)
				}
				byTown[t] = append(byTown[t], n.Node)
			}
		}
	}
	var found []model.NodeCode
	for _, t := range towns {
		if c, err := model.NewNodeNames(byTown[t], t).Resolve(s, model.LevelTown, model.LevelVillage); err == nil {
			found = append(found, c)
		}
	}
	return found, func(c model.NodeCode) string { return shown[c] }, nil
}

// roomOfAnotherTown is the refusal of the room name s, which names no room
// of seat's town but rooms (one or more) of other towns, each named with
// its town.
func roomOfAnotherTown(s string, rooms []model.NodeCode, seat model.Seat, names func(model.NodeCode) string) error {
	named := func(c model.NodeCode) string { return model.NameNodes([]model.NodeCode{c}, names, "") }
	own := named(seat.Town)
	switch r := rooms[0]; {
	case len(rooms) > 1:
	case r.Level() == model.LevelTown:
		return model.Errorf(model.ENOTFOUND, "room %q: %s is another town, not %s (%s's town)", s, named(r), own, seat.Person.Name).
			Zh("值班室 %q：%s 是另一个镇街，不是 %s（%s 所在镇街）", s, named(r), own, seat.Person.Name).On("room")
	default:
		return model.Errorf(model.ENOTFOUND, "room %q: %s is a room of %s, not of %s (%s's town)", s, named(r), named(r.Town()), own, seat.Person.Name).
			Zh("值班室 %q：%s 属 %s，不是 %s（%s 所在镇街）的值班室", s, named(r), named(r.Town()), own, seat.Person.Name).On("room")
	}
	en, zh := make([]string, len(rooms)), make([]string, len(rooms))
	for i, r := range rooms {
		en[i] = fmt.Sprintf("%s (%s)", named(r), named(r.Town()))
		zh[i] = fmt.Sprintf("%s（%s）", named(r), named(r.Town()))
	}
	return model.Errorf(model.ENOTFOUND, "room %q: no room of %s (%s's town) is named so; rooms of other towns are: %s", s, own, seat.Person.Name, strings.Join(en, ", ")).
		Zh("值班室 %q：%s（%s 所在镇街）没有这个名称的值班室；其他镇街的有：%s", s, own, seat.Person.Name, strings.Join(zh, "、")).On("room")
}
