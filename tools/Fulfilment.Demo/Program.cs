using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Fulfilment.Contract;
using Fulfilment.Local;
using Fulfilment.SupplierSimulator;
using Microsoft.Extensions.Logging;

// Runs the product locally: Azurite (data kept in .azurite/), the supplier simulator on http://127.0.0.1:7080,
// the app with its local trigger host on http://127.0.0.1:7071, demo data, then a paid card-key order from webhook
// to delivered key, orders opened before payment and paid by Stripe's and WeChat Pay's own notifications (signed with
// demo credentials), and a direct top-up whose supplier answer is lost. Stays up until Ctrl+C unless --no-wait.
var noWait = args.Contains("--no-wait");
var root = RepositoryRoot.Find();
using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

Step("Starting Azurite (data in .azurite/) on 127.0.0.1:10000-10002");
await using var azurite = await StartAzuriteUnlessRunningAsync(Path.Combine(root, ".azurite"));

Step("Starting the supplier simulator on http://127.0.0.1:7080");
await using var supplier = await GenericRestSimulator.StartAsync("local-supplier-key", port: 7080);

Step("Starting the Fulfilment app with its local trigger host on http://127.0.0.1:7071");
await using var app = await LocalApp.StartAsync(
    "UseDevelopmentStorage=true",
    new Dictionary<string, string?> { ["Suppliers:sim:BaseUrl"] = supplier.BaseAddress.ToString(), ["Suppliers:sim:ApiKey"] = "local-supplier-key" },
    logging: l => l.SetMinimumLevel(LogLevel.Warning), // the demo tells each step itself; the app speaks up only when something is wrong
    port: 7071);
using var http = app.CreateClient();
var ops = new OpsClient(app.CreateClient(LocalApp.OpsKey));

Step("Demo data: partner 'demo-shop', card-key SKU 'steam-wallet-50' (50.00 CNY), 20 keys");
var partner = await DemoPartnerAsync(app);
await ops.SaveSkuAsync("steam-wallet-50", "Steam Wallet 50 CNY", "card-key", 50m, "CNY");
var import = await ops.ImportKeysAsync("steam-wallet-50", Enumerable.Range(0, 20).Select(_ => DemoKey()));
var stock = await ops.GetStockAsync("steam-wallet-50");
Console.WriteLine($"   imported {import.Imported} keys; stock: {stock.Available} available, {stock.Reserved} reserved, {stock.Sold} sold");

var orderId = $"demo-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
Step($"The shop's payment webhook for order {orderId}: 1 x steam-wallet-50, 50.00 CNY, signed with the partner's whsec_ secret");
var clock = Stopwatch.StartNew();
var accepted = await new PaymentWebhookSender(http).SendAsync(
    partner.PartnerId, partner.WebhookSecret, new PaymentData(orderId, "steam-wallet-50", 1, 50m, "CNY", "buyer-42"));
Console.WriteLine($"   {(int)accepted.StatusCode} {accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
if (!accepted.IsSuccessStatusCode)
{
    return 1;
}

Step("The partner fetches the order with its API key until it is delivered");
using var partnerClient = app.CreateClient(partner.ApiKey);
if (!await ShowWhenDeliveredAsync(partnerClient, partner.PartnerId, orderId, clock))
{
    return 1;
}

stock = await ops.GetStockAsync("steam-wallet-50");
Console.WriteLine($"   stock now: {stock.Available} available, {stock.Reserved} reserved, {stock.Sold} sold");

Step("The shop's payment providers tell us directly: demo-shop's Stripe endpoint secret and WeChat Pay keys, set by ops");
var stripeSecret = StripeEventSender.NewEndpointSecret();
using var wechatPay = new WeChatPayPlatform();
await ops.AddPaymentCredentialAsync(partner.PartnerId, new PaymentCredentialRequest("stripe", EndpointSecret: stripeSecret));
await ops.AddPaymentCredentialAsync(partner.PartnerId, new PaymentCredentialRequest(
    "wechatpay", MerchantId: wechatPay.MerchantId, ApiV3Key: wechatPay.ApiV3Key, PublicKeySerial: wechatPay.Serial, PublicKey: wechatPay.PublicKeyPem));
Console.WriteLine($"   a Stripe endpoint secret, and WeChat Pay merchant {wechatPay.MerchantId}'s APIv3 key and public key {wechatPay.Serial} (stored sealed, never shown again)");

var stripeOrder = $"stripe-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
Step($"The shop opens order {stripeOrder} before the buyer pays with Stripe Checkout");
var openedForStripe = await OpenOrderAsync(partnerClient, partner.PartnerId, stripeOrder);
clock.Restart();
Step($"Stripe's checkout.session.completed names client_reference_id {openedForStripe.PaymentReference}, signed with the endpoint secret");
var stripeSent = await new StripeEventSender(http).SendAsync(partner.PartnerId, stripeSecret, StripeEventSender.CheckoutSessionEvent(
    StripeEventSender.NewId("evt"), StripeEventSender.NewId("pi"), openedForStripe.PaymentReference, openedForStripe.AmountInMinorUnits, openedForStripe.Currency));
Console.WriteLine($"   {(int)stripeSent.StatusCode} {stripeSent.StatusCode}: {await stripeSent.Content.ReadAsStringAsync()}");
if (!stripeSent.IsSuccessStatusCode || !await ShowWhenDeliveredAsync(partnerClient, partner.PartnerId, stripeOrder, clock))
{
    return 1;
}

var wechatOrder = $"wechatpay-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
Step($"The shop opens order {wechatOrder}, and the buyer pays it with WeChat Pay (out_trade_no = the payment reference)");
var openedForWeChat = await OpenOrderAsync(partnerClient, partner.PartnerId, wechatOrder);
clock.Restart();
Step("WeChat Pay's TRANSACTION.SUCCESS notification: resource sealed with AEAD_AES_256_GCM under the APIv3 key, signed SHA256withRSA");
var notification = wechatPay.Notification(wechatPay.Transaction(openedForWeChat.PaymentReference!, openedForWeChat.AmountInMinorUnits, openedForWeChat.Currency));
var wechatSent = await WeChatPayPlatform.SendAsync(http, partner.PartnerId, notification, wechatPay.Headers(notification));
Console.WriteLine($"   {(int)wechatSent.StatusCode} {wechatSent.StatusCode} (what WeChat Pay expects on success)");
if (!wechatSent.IsSuccessStatusCode || !await ShowWhenDeliveredAsync(partnerClient, partner.PartnerId, wechatOrder, clock))
{
    return 1;
}

Console.WriteLine("   the order's story, as ops see it (fulfil orders trace):");
foreach (var step in (await ops.GetOrderTraceAsync(partner.PartnerId, wechatOrder)).Trace)
{
    Console.WriteLine($"     {step.At:HH:mm:ss.fff}  {step.Summary}");
}

Step("A direct top-up (直充) of 30 CNY to 13800000000; the supplier credits it but its answer is lost on the way");
await ops.SaveSkuAsync("mobile-cny-30", "Mobile top-up 30 CNY", "direct-top-up", 30m, "CNY", ["sim"], "mobile-cny-30");
supplier.Faults = new SupplierFaults { TimeoutAfterAccepting = 1 };
var topUpId = $"topup-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
clock.Restart();
var topUp = await new PaymentWebhookSender(http).SendAsync(
    partner.PartnerId, partner.WebhookSecret, new PaymentData(topUpId, "mobile-cny-30", 1, 30m, "CNY", "buyer-42", "13800000000"));
Console.WriteLine($"   {(int)topUp.StatusCode} {topUp.StatusCode}: {await topUp.Content.ReadAsStringAsync()}");
await Task.Delay(500);
supplier.Faults = SupplierFaults.None;
Console.WriteLine("   (the supplier answers normally again; Fulfilment asks it about our reference instead of paying twice)");
if (!await ShowWhenDeliveredAsync(partnerClient, partner.PartnerId, topUpId, clock))
{
    return 1;
}

Console.WriteLine($"   the supplier's ledger holds {supplier.Ledger.Credited().Count(c => c.ClientReference.Contains(topUpId, StringComparison.Ordinal))} credit for this order");
Console.WriteLine("   the order's history, as ops see it (fulfil orders trace):");
foreach (var step in (await ops.GetOrderTraceAsync(partner.PartnerId, topUpId)).Trace)
{
    Console.WriteLine($"     {step.At:HH:mm:ss.fff}  {step.Summary}");
}

if (noWait)
{
    return 0;
}

Console.WriteLine($"""

The app is running at {app.BaseAddress} (Ctrl+C stops it and Azurite).
Try:
  curl -H "Authorization: Bearer {partner.ApiKey}" {app.BaseAddress}api/partners/{partner.PartnerId}/orders/{orderId}
  curl -H "Authorization: Bearer {LocalApp.OpsKey}" {app.BaseAddress}api/ops/skus/steam-wallet-50/stock
or the command line (in another terminal):
  export FULFIL_URL={app.BaseAddress} FULFIL_OPS_KEY={LocalApp.OpsKey}
  dotnet run --project tools/Fulfilment.Cli -- stock
  dotnet run --project tools/Fulfilment.Cli -- orders trace {partner.PartnerId} {orderId}
  dotnet run --project tools/Fulfilment.Cli -- logs pull {partner.PartnerId} --api-key {partner.ApiKey}
""");
try
{
    await Task.Delay(Timeout.Infinite, stopping.Token);
}
catch (OperationCanceledException)
{
}

return 0;

static void Step(string text) => Console.WriteLine($"\n== {text}");

// Opens a 1 x steam-wallet-50 order before payment, as the partner's shop does, and shows what to charge.
static async Task<OpenedOrder> OpenOrderAsync(HttpClient partnerClient, string partnerId, string orderId)
{
    var response = await partnerClient.PostAsJsonAsync($"api/partners/{partnerId}/orders", new OpenOrderRequest(orderId, "steam-wallet-50", 1, "buyer-42"), ContractJson.Options);
    var opened = await OpsClient.ReadAsync<OpenedOrder>(response);
    Console.WriteLine($"   {(int)response.StatusCode}: charge {opened.Amount} {opened.Currency}, payment reference {opened.PaymentReference}, pay by {opened.ExpiresAt:u}");
    return opened;
}

static async Task<bool> ShowWhenDeliveredAsync(HttpClient partnerClient, string partnerId, string orderId, Stopwatch clock)
{
    JsonElement order;
    do
    {
        order = await partnerClient.GetFromJsonAsync<JsonElement>($"api/partners/{partnerId}/orders/{orderId}");
        if (clock.Elapsed > TimeSpan.FromSeconds(60))
        {
            Console.Error.WriteLine($"   order {orderId} was not delivered within 60 s: {order}");
            return false;
        }
    }
    while (order.GetProperty("state").GetString() != "delivered" && await Delay(100));

    Console.WriteLine($"   delivered {clock.ElapsedMilliseconds} ms after the webhook was sent:");
    Console.WriteLine(JsonSerializer.Serialize(order, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    return true;
}

static async Task<bool> Delay(int milliseconds)
{
    await Task.Delay(milliseconds);
    return true;
}

static string DemoKey() =>
    "DEMO-" + string.Join('-', Enumerable.Range(0, 3).Select(_ => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(2))));

// A rerun finds the partner in .azurite/: its secrets were shown once, so it gets a fresh secret and API key.
static async Task<CreatedPartner> DemoPartnerAsync(LocalApp app)
{
    using var ops = app.CreateClient(LocalApp.OpsKey);
    try
    {
        return await new OpsClient(ops).CreatePartnerAsync("demo-shop", "Demo Shop");
    }
    catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Conflict)
    {
        var secret = await OpsClient.ReadAsync<WebhookSecretCreated>(await ops.PostAsync("api/ops/partners/demo-shop/webhook-secrets", null));
        var key = await OpsClient.ReadAsync<ApiKeyCreated>(await ops.PostAsync("api/ops/partners/demo-shop/api-keys", null));
        return new CreatedPartner("demo-shop", "Demo Shop", secret.WebhookSecret, secret.CallbackSecret, key.ApiKey, key.KeyId);
    }
}

static async Task<IAsyncDisposable> StartAzuriteUnlessRunningAsync(string dataDirectory)
{
    try
    {
        using var probe = new TcpClient();
        await probe.ConnectAsync(IPAddress.Loopback, 10001);
        Console.WriteLine("   an emulator already listens on 10001: using it");
        return new NothingToStop();
    }
    catch (SocketException)
    {
        return await Azurite.StartAsync(dataDirectory);
    }
}

internal sealed class NothingToStop : IAsyncDisposable
{
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
