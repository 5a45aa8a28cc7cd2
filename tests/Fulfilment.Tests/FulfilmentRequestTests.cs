using Fulfilment.Ops;
using Fulfilment.Orders;

namespace Fulfilment.Tests;

/// <summary>The fulfilment queue's messages: one order or several, and what a broken or hostile message is.</summary>
public sealed class FulfilmentRequestTests
{
    [Fact]
    public void A_message_of_one_order_and_a_message_of_several_read_back_as_written()
    {
        var one = new FulfilmentRequest("p-1", "order-1") { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
        var several = Enumerable.Range(0, FulfilmentRequests.MaxOrdersPerMessage).Select(i => new FulfilmentRequest("p-1", $"order-{i}")).ToList();

        Assert.Equal(one, Assert.Single(FulfilmentRequests.ParseAll(FulfilmentRequests.TextOf([one]))!));
        Assert.Equal(one, FulfilmentRequests.Parse(FulfilmentRequests.TextOf([one])));
        Assert.Equal(several, FulfilmentRequests.ParseAll(FulfilmentRequests.TextOf(several)));
        Assert.Null(FulfilmentRequests.Parse(FulfilmentRequests.TextOf(several))); // not a message of one order
        Assert.StartsWith("{\"partnerId\"", FulfilmentRequests.TextOf([one]), StringComparison.Ordinal); // the one-order form stays as it was
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"order-1\"")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"partnerId\": \"p-1\"}")]
    [InlineData("{\"partnerId\": \"p-1\", \"orderId\": \"\"}")]
    [InlineData("{\"partnerId\": 5, \"orderId\": \"order-1\"}")]
    [InlineData("{\"orders\": []}")]
    [InlineData("{\"orders\": null}")]
    [InlineData("{\"orders\": \"order-1\"}")]
    [InlineData("{\"orders\": {\"partnerId\": \"p-1\", \"orderId\": \"order-1\"}}")]
    [InlineData("{\"orders\": [null]}")]
    [InlineData("{\"orders\": [{\"partnerId\": \"p-1\", \"orderId\": \"order-1\"}, {\"partnerId\": \"p-1\"}]}")]
    [InlineData("{\"orders\": [{\"partnerId\": \"p-1\", \"orderId\": \"order-1\"}, 7]}")]
    [InlineData("{\"orders\": [{\"partnerId\": \"p-1\", \"orderId\": \"order-1\"}]")]
    [InlineData("{\"partnerId\": \"p-1\", \"orderId\": \"order-1\", \"orderId\": \"order-2\"}")]
    [InlineData("{\"orders\": [{\"partnerId\": \"p-1\", \"orderId\": \"order-1\", \"partnerId\": \"p-2\"}]}")]
    [InlineData("{\"orders\": [{\"partnerId\": \"p-1\", \"orderId\": \"order-1\"}], \"orders\": []}")]
    public void A_message_that_names_no_order_or_a_broken_one_is_not_a_fulfilment_request(string text)
    {
        Assert.Null(FulfilmentRequests.ParseAll(text));
        var poison = Assert.Throws<Storage.PoisonMessageException>(() => FulfilmentRequests.ParseOrPoison(text));
        Assert.Contains("not a fulfilment request", poison.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_naming_more_orders_than_one_message_may_is_not_a_fulfilment_request()
    {
        var tooMany = Enumerable.Range(0, FulfilmentRequests.MaxOrdersPerMessage + 1).Select(i => new FulfilmentRequest("p-1", $"order-{i}")).ToList();

        Assert.Null(FulfilmentRequests.ParseAll(FulfilmentRequests.TextOf(tooMany)));
    }

    [Theory]
    [InlineData("{\"partnerId\": \"p-1\", \"orderId\": \"order-1\"}", "order-1")]
    [InlineData("{\"orders\": [{\"partnerId\": \"p-1\", \"orderId\": \"order-1\"}, {\"partnerId\": \"p-1\", \"orderId\": \"order-2\"}]}", "order-1 order-2")]
    [InlineData("{\"orders\": [1, null, [], {\"orderId\": 7}, {\"orderId\": \"order-3\"}]}", "order-3")]
    [InlineData("{\"orders\": \"order-1\"}", "")]
    [InlineData("{\"orderId\": {\"nested\": true}}", "")]
    [InlineData("[{\"orderId\": \"order-1\"}]", "")]
    [InlineData("not json", "")]
    [InlineData("{\"orderId\": \"order-1\", \"orderId\": \"order-2\"}", "")]
    [InlineData("{\"orders\": [{\"orderId\": \"order-1\", \"orderId\": \"order-2\"}]}", "")]
    public void Poison_messages_are_found_by_each_order_they_name(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', PoisonQueues.OrderIdsOf(text)));
        foreach (var orderId in PoisonQueues.OrderIdsOf(text))
        {
            Assert.True(new PoisonSelection(false, new HashSet<string>(), orderId).Matches("m-1", text));
        }

        Assert.False(new PoisonSelection(false, new HashSet<string>(), "order-9").Matches("m-1", text));
    }
}
