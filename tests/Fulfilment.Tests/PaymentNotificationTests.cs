using System.Text;
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

    private static (PaymentNotification?, IReadOnlyList<string>) Parse(string json) => PaymentNotification.Parse(Encoding.UTF8.GetBytes(json));
}
