using System.Text;
using CsCheck;
using Fulfilment.Orders;

namespace Fulfilment.Tests;

public sealed class PaymentNotificationTests
{
    [Fact]
    public void Parses_a_valid_notification_with_amount_as_number_or_string()
    {
        var (number, _) = Parse("""{"type":"payment.succeeded","data":{"orderId":"A-1","sku":"steam-50","quantity":2,"amount":100.00,"currency":"CNY","buyerReference":"b1"}}""");
        var (text, _) = Parse("""{"type":"payment.succeeded","data":{"orderId":"A-1","sku":"steam-50","quantity":2,"amount":"100.00","currency":"CNY","buyerReference":"b1","targetAccount":"13800000000"}}""");

        Assert.Equal(new PaymentNotification("A-1", "steam-50", 2, 100m, "CNY", "b1", null), number);
        Assert.Equal("13800000000", text!.TargetAccount);
        Assert.Equal(100m, text.Amount);
    }

    [Theory]
    [InlineData("""[1,2]""", "body must be a JSON object")]
    [InlineData("""{"type":"payment.refunded","data":{}}""", "type must be")]
    [InlineData("""{"type":"payment.succeeded"}""", "data must be an object")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a|b","sku":"s","quantity":1,"amount":1,"currency":"CNY","buyerReference":"b"}}""", "data.orderId")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":0,"amount":1,"currency":"CNY","buyerReference":"b"}}""", "data.quantity")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1.5,"amount":1,"currency":"CNY","buyerReference":"b"}}""", "data.quantity")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":-1,"currency":"CNY","buyerReference":"b"}}""", "data.amount")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":1,"currency":"cny","buyerReference":"b"}}""", "data.currency")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":1,"currency":"CNY"}}""", "data.buyerReference")]
    [InlineData("""not json""", "not valid JSON")]
    public void Rejects_an_invalid_notification_saying_what_is_wrong(string json, string problem)
    {
        var (notification, problems) = Parse(json);
        Assert.Null(notification);
        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"buyerEmail\":\"not-an-email\"", "data.buyerEmail")]
    [InlineData("\"buyerEmail\":\"a@b@c\"", "data.buyerEmail")]
    [InlineData("\"buyerPhone\":\"12\"", "data.buyerPhone")]
    [InlineData("\"buyerPhone\":\"138-abc-8000\"", "data.buyerPhone")]
    [InlineData("\"buyerPhone\":\"86+13800138000\"", "data.buyerPhone")]
    [InlineData("\"buyerIp\":\"1\"", "data.buyerIp")]
    [InlineData("\"buyerIp\":\"1.2.3\"", "data.buyerIp")]
    [InlineData("\"buyerIp\":\"300.1.1.1\"", "data.buyerIp")]
    [InlineData("\"buyerIp\":7", "data.buyerIp must be a string")]
    [InlineData("\"riskScore\":101", "data.riskScore")]
    [InlineData("\"riskScore\":-1", "data.riskScore")]
    [InlineData("\"riskScore\":1.5", "data.riskScore")]
    [InlineData("\"riskScore\":\"50\"", "data.riskScore")]
    public void Refuses_buyer_details_that_are_not_exactly_valid(string field, string problem)
    {
        var (notification, problems) = Parse($$$"""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b",{{{field}}}}}""");
        Assert.Null(notification);
        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void Reads_buyer_details_as_given()
    {
        var (notification, _) = Parse("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b","buyerEmail":" Ann@Example.com","buyerPhone":"+86 138-0013-8000","buyerIp":"2001:db8::1","riskScore":0}}""");
        Assert.Equal(new BuyerDetails(" Ann@Example.com", "+86 138-0013-8000", "2001:db8::1", 0), notification!.Buyer);
    }

    private const string Valid = """{"type":"payment.succeeded","data":{"orderId":"A-1","sku":"steam-50","quantity":1,"amount":"50.00","currency":"CNY","buyerReference":"b1"}}""";

    [Theory]
    [InlineData("""{"type":"payment.failed","type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":1,"currency":"CNY","buyerReference":"b"}}""", "not valid JSON")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":1,"amount":2,"currency":"CNY","buyerReference":"b"}}""", "not valid JSON")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a"},"data":{"orderId":"a","sku":"s","quantity":1,"amount":1,"currency":"CNY","buyerReference":"b"}}""", "not valid JSON")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":50.0000000000000000000000000001,"currency":"CNY","buyerReference":"b"}}""", "data.amount")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":"49.99999999999999999999999999999","currency":"CNY","buyerReference":"b"}}""", "data.amount")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":"50.001","currency":"CNY","buyerReference":"b"}}""", "data.amount has 3 decimals; CNY has 2")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":500.5,"currency":"JPY","buyerReference":"b"}}""", "JPY has 0")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":5e1,"currency":"CNY","buyerReference":"b"}}""", "data.amount")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":" 50","currency":"CNY","buyerReference":"b"}}""", "data.amount")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b","targetAccount":13800000000}}""", "data.targetAccount must be a string")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":7,"sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b"}}""", "data.orderId must be a string")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a\n","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b"}}""", "data.orderId")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":".","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b"}}""", "data.orderId")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"..","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b"}}""", "data.orderId")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b\ud800"}}""", "data.buyerReference is not valid Unicode")]
    [InlineData("""{"type":"payment.succeeded","data":{"orderId":"a","sku":"s","quantity":1,"amount":50,"currency":"CNY","buyerReference":"b\u0000"}}""", "data.buyerReference must not contain control characters")]
    public void Refuses_what_is_not_exactly_valid_instead_of_guessing(string json, string problem)
    {
        var (notification, problems) = Parse(json);
        Assert.Null(notification);
        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })] // invalid continuation
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong "/"
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a surrogate encoded as UTF-8
    public void Refuses_a_body_that_is_not_valid_UTF8(byte[] inBuyerReference)
    {
        var body = Encoding.UTF8.GetBytes(Valid).ToList();
        body.InsertRange(Valid.IndexOf("b1", StringComparison.Ordinal), inBuyerReference);

        var (notification, problems) = PaymentNotification.Parse(body.ToArray());

        Assert.Null(notification);
        Assert.Equal("body is not valid UTF-8", Assert.Single(problems));
    }

    [Fact]
    public void Order_ids_up_to_the_documented_length_are_accepted_and_longer_refused()
    {
        var longest = new string('a', OrderId.MaxLength);
        Assert.NotNull(Parse(Valid.Replace("A-1", longest, StringComparison.Ordinal)).Item1);
        Assert.Null(Parse(Valid.Replace("A-1", longest + "a", StringComparison.Ordinal)).Item1);
        Assert.NotNull(Parse(Valid.Replace("A-1", "...a", StringComparison.Ordinal)).Item1);
    }

    /// <summary>Property: any byte-level change to a valid body either still parses to a notification or is refused; never a throw.</summary>
    [Fact]
    public void Mangled_bodies_never_throw()
    {
        var valid = Encoding.UTF8.GetBytes(Valid);
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, Gen.Int[0, 2])
            .Array[1, 4]
            .Sample(edits =>
            {
                var body = valid.ToList();
                foreach (var (at, value, kind) in edits)
                {
                    var i = Math.Min(at, body.Count - 1);
                    if (kind == 0) body[i] = value;
                    else if (kind == 1) body.Insert(i, value);
                    else if (body.Count > 1) body.RemoveAt(i);
                }

                var (notification, problems) = PaymentNotification.Parse(body.ToArray());
                return notification is not null ^ problems.Count > 0;
            }, iter: 20_000);
    }

    private static (PaymentNotification?, IReadOnlyList<string>) Parse(string json) => PaymentNotification.Parse(Encoding.UTF8.GetBytes(json));
}
