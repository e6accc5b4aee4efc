package conn

import (
	"context"
	"fmt"

	"github.com/robotui/robotui/conn/wire"
)

// The account data path. After every ready (and after 1101, data lost) the
// session asks for everything the account view shows, as a new round:
// positions (all accounts), reqAccountUpdates for the first managed account
// (IB allows one at a time: values, portfolio marks), the account summary,
// the P&L of every account and of every position held (≥ 127), today's
// executions and the open orders of every client. The answers reach the
// Observer as AccountMsg, tagged with their round, in the order the gateway
// sent them; a round that a reconnect cut short is simply followed by the
// next one. Nothing here places, changes or cancels an order.

// AccountSummaryTags are the account-summary tags the session asks for.
const AccountSummaryTags = "AccountType,NetLiquidation,TotalCashValue,SettledCash,BuyingPower,EquityWithLoanValue," +
	"GrossPositionValue,InitMarginReq,MaintMarginReq,AvailableFunds,ExcessLiquidity,Cushion,DayTradesRemaining,Leverage"

// maxPnLSingles bounds the per-position P&L subscriptions of one round.
const maxPnLSingles = 200

// AccountRound starts a download round on a ready connection: every
// account part is being asked again, and messages of earlier rounds will
// not follow.
type AccountRound struct {
	Round    uint64
	Accounts []string // the managed accounts, in the gateway's order
	// Again: asked again on the same connection (after 1101), so answers of
	// the last round's requests may still come, untold apart from this one's.
	Again bool
}

// AccountMsg is one answer of an account request. Account and ConID are
// set where the message itself does not say (PNL, PNL_SINGLE: from the
// request they answer).
type AccountMsg struct {
	Round   uint64
	Account string
	ConID   int64
	Msg     wire.Message
}

func (AccountRound) Name() string { return "conn.account_round" }
func (AccountMsg) Name() string   { return "conn.account" }

// accountItem is an account message queued by a client's reader.
type accountItem struct {
	dial uint64 // which dial's client read it
	m    wire.Message
}

type pnlKey struct {
	account string
	conID   int64
}

// accountFeed is the session's account-request state (session goroutine only).
type accountFeed struct {
	dial       uint64 // the dial of the client being served
	dials      uint64 // dials so far
	round      uint64
	version    int
	pnl        map[int]string
	single     map[int]pnlKey
	subscribed map[pnlKey]bool
	held       []pnlKey // positions of the current positions download
}

// isAccountMsg reports the ids the reader hands to OnAccount.
func isAccountMsg(id int) bool {
	switch id {
	case wire.InAcctValue, wire.InPortfolioValue, wire.InAcctUpdateTime, wire.InAcctDownloadEnd,
		wire.InPositionData, wire.InPositionEnd, wire.InAccountUpdateMulti, wire.InAccountUpdateMultiEnd,
		wire.InPnL, wire.InPnLSingle, wire.InExecutionData, wire.InExecutionDataEnd, wire.InCommissionReport,
		wire.InOpenOrder, wire.InOrderStatus, wire.InOpenOrderEnd:
		return true
	}
	return false
}

// requestAccounts starts a round on c; again: c is the last round's connection.
func (s *Session) requestAccounts(c *Client, again bool) {
	f := &s.acct
	f.round++
	f.version = c.ServerVersion()
	if !again { // on the same connection the old P&L streams still answer
		f.pnl, f.single, f.subscribed = map[int]string{}, map[int]pnlKey{}, map[pnlKey]bool{}
	}
	f.held = nil
	accts := c.Accounts()
	s.emit(AccountRound{Round: f.round, Accounts: accts, Again: again})
	send := func(m wire.Message) {
		if err := c.send(m); err != nil {
			s.cfg.Logger.Debug("account request not sent", "msg_id", m.MsgID(), "err", err)
		}
	}
	send(&wire.ReqPositions{})
	if len(accts) > 0 {
		send(&wire.ReqAcctData{Subscribe: true, Account: accts[0]})
	}
	send(&wire.ReqAccountSummary{ReqID: c.NextReqID(), Group: "All", Tags: AccountSummaryTags})
	if f.version >= wire.VersionPnL {
		for _, a := range accts {
			id := c.NextReqID()
			f.pnl[id] = a
			send(&wire.ReqPnL{ReqID: id, Account: a})
		}
	}
	send(&wire.ReqExecutions{ReqID: c.NextReqID(), Filter: wire.ExecutionFilter{LastNDays: wire.UnsetInt}})
	send(&wire.ReqAllOpenOrders{})
}

// onAccount forwards one message of the current round, and subscribes the
// P&L of each position a positions download ends with.
func (s *Session) onAccount(c *Client, m wire.Message) {
	f := &s.acct
	ev := AccountMsg{Round: f.round, Msg: m}
	switch m := m.(type) {
	case *wire.PnL:
		ev.Account = f.pnl[m.ReqID]
	case *wire.PnLSingle:
		k := f.single[m.ReqID]
		ev.Account, ev.ConID = k.account, k.conID
	case *wire.PositionData:
		f.held = append(f.held, pnlKey{m.Account, m.Contract.ConID})
	case *wire.PositionEnd:
		held := f.held
		f.held = nil
		if f.version < wire.VersionPnL {
			break
		}
		for _, k := range held {
			if f.subscribed[k] || len(f.subscribed) >= maxPnLSingles || k.conID == 0 {
				continue
			}
			f.subscribed[k] = true
			id := c.NextReqID()
			f.single[id] = k
			if err := c.send(&wire.ReqPnLSingle{ReqID: id, Account: k.account, ConID: k.conID}); err != nil {
				s.cfg.Logger.Debug("PnL single not sent", "err", err)
			}
		}
	}
	s.emit(ev)
}

// ContractDetails asks for the contracts matching k and waits for
// CONTRACT_DATA_END; a gateway error (200: no such contract) is returned.
func (c *Client) ContractDetails(ctx context.Context, k wire.Contract) ([]wire.ContractDetails, error) {
	reqID := c.NextReqID()
	type result struct {
		rows []wire.ContractDetails
		err  error
	}
	out := make(chan result, 1)
	var got []wire.ContractDetails // the reader's own until it hands them over
	c.route(reqID, func(m wire.Message) {
		switch m := m.(type) {
		case *wire.ContractData:
			got = append(got, m.Details)
		case *wire.ContractDataEnd:
			trySend(out, result{rows: got})
			got = nil
		case *wire.ErrMsg:
			trySend(out, result{err: fmt.Errorf("contract details: %d %s", m.Code, m.Text)})
		}
	})
	defer c.unroute(reqID)
	if err := c.send(&wire.ReqContractData{ReqID: reqID, Contract: k}); err != nil {
		return nil, err
	}
	select {
	case r := <-out:
		return r.rows, r.err
	case <-c.done:
		return nil, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
