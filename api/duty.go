package api

import (
	"context"
	"time"

	"gridcmd/model"
)

// The local RPC's methods of model.DutyService (the duty schedule, the
// handovers and the watchdogs), and the client's side of them.

type addShiftsReq struct {
	Shifts []model.Shift  `json:"shifts"`
	By     model.PersonID `json:"by"`
	Note   string         `json:"note"`
}

type swapReq struct {
	ID string         `json:"id"`
	To model.PersonID `json:"to"`
	By model.PersonID `json:"by"`
}

type dutyReq struct {
	Room model.NodeCode `json:"room"`
	At   time.Time      `json:"at"`
}

type dutyUnderReq struct {
	Root model.NodeCode `json:"root"`
	At   time.Time      `json:"at"`
}

type handoverReq struct {
	Room   model.NodeCode `json:"room"`
	Note   string         `json:"note"`
	By     model.PersonID `json:"by"`
	DryRun bool           `json:"dry_run"`
	Seen   string         `json:"seen,omitempty"`
}

type acceptReq struct {
	ID   string         `json:"id"`
	Room model.NodeCode `json:"room"`
	By   model.PersonID `json:"by"`
}

type roomByReq struct {
	Room model.NodeCode `json:"room"`
	By   model.PersonID `json:"by"`
}

type heartbeatReq struct {
	Heartbeat model.Heartbeat `json:"heartbeat"`
	By        model.PersonID  `json:"by"`
}

type nameByReq struct {
	Name string         `json:"name"`
	By   model.PersonID `json:"by"`
}

var rpcAddShifts = newMethod("AddShifts", onService, func(ctx context.Context, s services, r addShiftsReq) ([]model.Shift, error) {
	return s.svc.AddShifts(ctx, r.Shifts, r.By, r.Note)
}).writing()

var rpcShifts = svcWhole("Shifts", model.Service.Shifts)

var rpcSwapShift = newMethod("SwapShift", onService, func(ctx context.Context, s services, r swapReq) (model.Shift, error) {
	return s.svc.SwapShift(ctx, r.ID, r.To, r.By)
}).writing()

var rpcDuty = newMethod("Duty", onService, func(ctx context.Context, s services, r dutyReq) ([]model.RoomDuty, error) {
	return s.svc.Duty(ctx, r.Room, r.At)
})

var rpcDutyUnder = newMethod("DutyUnder", onService, func(ctx context.Context, s services, r dutyUnderReq) ([]model.RoomDuty, error) {
	return s.svc.DutyUnder(ctx, r.Root, r.At)
})

var rpcHandover = newMethod("Handover", onService, func(ctx context.Context, s services, r handoverReq) (model.Handover, error) {
	return s.svc.Handover(ctx, r.Room, r.Note, r.By, r.DryRun, r.Seen)
}).writing()

var rpcAcceptHandover = newMethod("AcceptHandover", onService, func(ctx context.Context, s services, r acceptReq) (model.Handover, error) {
	return s.svc.AcceptHandover(ctx, r.ID, r.Room, r.By)
}).writing()

var rpcHandovers = svcWhole("Handovers", model.Service.Handovers)

var rpcCheckIn = newMethod("CheckIn", onService, func(ctx context.Context, s services, r roomByReq) (none, error) {
	return none{}, s.svc.CheckIn(ctx, r.Room, r.By)
}).writing()

var rpcAddHeartbeat = newMethod("AddHeartbeat", onService, func(ctx context.Context, s services, r heartbeatReq) (model.Heartbeat, error) {
	return s.svc.AddHeartbeat(ctx, r.Heartbeat, r.By)
}).writing()

var rpcRemoveHeartbeat = newMethod("RemoveHeartbeat", onService, func(ctx context.Context, s services, r nameByReq) (none, error) {
	return none{}, s.svc.RemoveHeartbeat(ctx, r.Name, r.By)
}).writing()

var rpcHeartbeats = svcNone("Heartbeats", model.Service.Heartbeats)

var rpcBeat = newMethod("Beat", onService, func(ctx context.Context, s services, r nameByReq) (model.Heartbeat, error) {
	return s.svc.Beat(ctx, r.Name, r.By)
}).writing()

func (c *Client) AddShifts(ctx context.Context, shifts []model.Shift, by model.PersonID, note string) ([]model.Shift, error) {
	return call(ctx, c, rpcAddShifts, addShiftsReq{Shifts: shifts, By: by, Note: note})
}

func (c *Client) Shifts(ctx context.Context, f model.ShiftFilter) ([]model.Shift, error) {
	return call(ctx, c, rpcShifts, f)
}

func (c *Client) SwapShift(ctx context.Context, id string, to, by model.PersonID) (model.Shift, error) {
	return call(ctx, c, rpcSwapShift, swapReq{ID: id, To: to, By: by})
}

func (c *Client) Duty(ctx context.Context, room model.NodeCode, at time.Time) ([]model.RoomDuty, error) {
	return call(ctx, c, rpcDuty, dutyReq{Room: room, At: at})
}

func (c *Client) DutyUnder(ctx context.Context, root model.NodeCode, at time.Time) ([]model.RoomDuty, error) {
	return call(ctx, c, rpcDutyUnder, dutyUnderReq{Root: root, At: at})
}

func (c *Client) Handover(ctx context.Context, room model.NodeCode, note string, by model.PersonID, dryRun bool, seen string) (model.Handover, error) {
	return call(ctx, c, rpcHandover, handoverReq{Room: room, Note: note, By: by, DryRun: dryRun, Seen: seen})
}

func (c *Client) AcceptHandover(ctx context.Context, id string, room model.NodeCode, by model.PersonID) (model.Handover, error) {
	return call(ctx, c, rpcAcceptHandover, acceptReq{ID: id, Room: room, By: by})
}

func (c *Client) Handovers(ctx context.Context, f model.HandoverFilter) ([]model.Handover, error) {
	return call(ctx, c, rpcHandovers, f)
}

func (c *Client) CheckIn(ctx context.Context, room model.NodeCode, by model.PersonID) error {
	_, err := call(ctx, c, rpcCheckIn, roomByReq{Room: room, By: by})
	return err
}

func (c *Client) AddHeartbeat(ctx context.Context, h model.Heartbeat, by model.PersonID) (model.Heartbeat, error) {
	return call(ctx, c, rpcAddHeartbeat, heartbeatReq{Heartbeat: h, By: by})
}

func (c *Client) RemoveHeartbeat(ctx context.Context, name string, by model.PersonID) error {
	_, err := call(ctx, c, rpcRemoveHeartbeat, nameByReq{Name: name, By: by})
	return err
}

func (c *Client) Heartbeats(ctx context.Context) ([]model.Heartbeat, error) {
	return call(ctx, c, rpcHeartbeats, none{})
}

func (c *Client) Beat(ctx context.Context, name string, by model.PersonID) (model.Heartbeat, error) {
	return call(ctx, c, rpcBeat, nameByReq{Name: name, By: by})
}
