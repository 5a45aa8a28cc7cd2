using Azure.Core;
using Fulfilment.Storage;

namespace Fulfilment.Tests;

/// <summary>How a storage request is named in the request metric: table or queue, which one, and the operation.</summary>
public sealed class StorageRequestCounterTests
{
    [Theory]
    [InlineData("GET", "http://127.0.0.1:10002/devstoreaccount1/Orders(PartitionKey='p',RowKey='order')", false, "Orders", "read")]
    [InlineData("GET", "https://acct.table.core.windows.net/Orders()?$filter=x", false, "Orders", "query")]
    [InlineData("POST", "http://127.0.0.1:10002/devstoreaccount1/Orders", false, "Orders", "insert")]
    [InlineData("PUT", "http://127.0.0.1:10002/devstoreaccount1/Orders(PartitionKey='p',RowKey='order')", true, "Orders", "update")]
    [InlineData("PUT", "http://127.0.0.1:10002/devstoreaccount1/OpenOrders(PartitionKey='03',RowKey='r')", false, "OpenOrders", "upsert")]
    [InlineData("DELETE", "https://acct.table.core.windows.net/OpenOrders(PartitionKey='03',RowKey='r')", true, "OpenOrders", "delete")]
    [InlineData("POST", "http://127.0.0.1:10002/devstoreaccount1/Tables", false, "Tables", "table-post")]
    [InlineData("POST", "http://127.0.0.1:10002/devstoreaccount1/$batch", false, "CardKeys", "transaction")]
    public void Table_requests_are_named_by_table_and_operation(string method, string uri, bool conditional, string table, string operation)
    {
        var named = StorageRequestCounter.ClassifyTableRequest(
            RequestMethod.Parse(method), StorageRequestCounter.ResourceSegments(new Uri(uri)), conditional, () => "CardKeys");
        Assert.Equal((table, operation), named);
    }

    [Theory]
    [InlineData("POST", "http://127.0.0.1:10001/devstoreaccount1/order-fulfilment/messages", "", "enqueue")]
    [InlineData("GET", "https://acct.queue.core.windows.net/order-fulfilment/messages?numofmessages=16", "?numofmessages=16", "dequeue")]
    [InlineData("GET", "http://127.0.0.1:10001/devstoreaccount1/order-fulfilment/messages?peekonly=true", "?peekonly=true", "peek")]
    [InlineData("DELETE", "http://127.0.0.1:10001/devstoreaccount1/order-fulfilment/messages/abc?popreceipt=x", "?popreceipt=x", "delete")]
    [InlineData("PUT", "http://127.0.0.1:10001/devstoreaccount1/order-fulfilment/messages/abc?popreceipt=x", "?popreceipt=x", "renew")]
    [InlineData("PUT", "http://127.0.0.1:10001/devstoreaccount1/order-fulfilment", "", "create")]
    public void Queue_requests_are_named_by_queue_and_operation(string method, string uri, string query, string operation)
    {
        var named = StorageRequestCounter.ClassifyQueueRequest(RequestMethod.Parse(method), StorageRequestCounter.ResourceSegments(new Uri(uri)), query);
        Assert.Equal(("order-fulfilment", operation), named);
    }

    [Fact]
    public void A_transaction_is_named_by_the_table_of_its_first_sub_request()
    {
        var body = "--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_1\r\n\r\n--changeset_1\r\n" +
                   "Content-Type: application/http\r\n\r\nMERGE http://127.0.0.1:10002/devstoreaccount1/CardKeys(PartitionKey='s%7C00',RowKey='!counts') HTTP/1.1\r\n";
        Assert.Equal("CardKeys", StorageRequestCounter.TableOfFirstSubRequest(body));
        Assert.Equal("", StorageRequestCounter.TableOfFirstSubRequest("no sub-request here"));
    }
}
