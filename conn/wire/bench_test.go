package wire

import "testing"

func benchDecode(b *testing.B, m Message, into Message, v int) {
	payload := m.AppendFields(nil, v)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := into.Decode(payload, v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkDecodeTickPrice(b *testing.B) {
	benchDecode(b, &TickPrice{ReqID: 4, TickType: TickLast, Price: 187.25, Size: 300, AttrMask: 2}, &TickPrice{}, 178)
}

func BenchmarkDecodeHistoricalDataUpdate(b *testing.B) {
	benchDecode(b, &HistoricalDataUpdate{ReqID: 7, Bar: sampleBars(1)[0]}, &HistoricalDataUpdate{}, 178)
}

func BenchmarkDecodeHistoricalData300(b *testing.B) {
	benchDecode(b, &HistoricalData{ReqID: 7, Bars: sampleBars(300)}, &HistoricalData{}, 178)
}

func BenchmarkEncodeTickPrice(b *testing.B) {
	m := &TickPrice{ReqID: 4, TickType: TickLast, Price: 187.25, Size: 300, AttrMask: 2}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = AppendMessage(buf[:0], m, 178)
	}
}

func BenchmarkDecodeServerMessageDispatch(b *testing.B) {
	payload := (&TickPrice{ReqID: 4, TickType: TickLast, Price: 187.25, Size: 300}).AppendFields(nil, 178)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeServerMessage(payload, 178); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePortfolioValue(b *testing.B) {
	m := &PortfolioValue{Contract: Contract{ConID: 265598, Symbol: "AAPL", SecType: "STK", PrimaryExchange: "NASDAQ", Currency: "USD", LocalSymbol: "AAPL", TradingClass: "NMS"},
		Position: 100, MarketPrice: 190.5, MarketValue: 19050, AverageCost: 150.25, UnrealizedPnL: 4025, RealizedPnL: UnsetDouble, Account: "DU1234567"}
	benchDecode(b, m, &PortfolioValue{}, 200)
}

func BenchmarkDecodeOpenOrder(b *testing.B) {
	o := sampleOrder
	benchDecode(b, &o, &OpenOrder{}, 200)
}
