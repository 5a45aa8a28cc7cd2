using System.CommandLine;
using System.Globalization;
using Fulfilment.Contract;

namespace Fulfilment.Cli.Commands;

/// <summary><c>fulfil partners create|add-key|revoke-key|credentials|retire-secret|retire-key|add-payment-credential|retire-payment-credential</c>.</summary>
internal static class PartnersCommand
{
    public static Command Build()
    {
        var partners = new Command("partners", "Partners and their credentials.");

        var partnerId = new Argument<string>("partnerId");
        var name = new Option<string>("--name") { Description = "The partner's display name.", Required = true };
        var callbackUrl = new Option<Uri?>("--callback-url")
        {
            Description = "Where to POST signed notifications of final order states.",
            CustomParser = FulfilCommandLine.AbsoluteUri,
        };
        var create = new Command("create", "Create a partner; prints its first webhook secret and API key, shown this once.") { partnerId, name, callbackUrl };
        create.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            var created = await context.Api.PostAsync<CreatedPartner>(
                "api/ops/partners", new CreatePartnerRequest(r.GetValue(partnerId)!, r.GetValue(name)!, r.GetValue(callbackUrl)?.ToString()), Caller.Ops, cancellationToken);
            await context.WriteAsync(created, c =>
            [
                $"Partner {c.PartnerId} created. Hand these to the partner now; they are not shown again:",
                $"  webhook secret: {c.WebhookSecret}   (signs its payment webhooks)",
                $"  callback secret: {c.CallbackSecret}   (verifies our notifications to it)",
                $"  API key:        {c.ApiKey}   (key id {c.KeyId})",
            ]);
        });
        partners.Subcommands.Add(create);

        var addKeyPartner = new Argument<string>("partnerId");
        var addKey = new Command("add-key", "Add an API key (rotation: the partner's other keys keep working); shown this once.") { addKeyPartner };
        addKey.Runs(async (context, cancellationToken) =>
        {
            var id = context.Result.GetValue(addKeyPartner)!;
            var added = await context.Api.PostAsync<ApiKeyCreated>($"api/ops/partners/{Uri.EscapeDataString(id)}/api-keys", null, Caller.Ops, cancellationToken);
            await context.WriteAsync(added, a => [$"API key for {id} (key id {a.KeyId}), shown this once:", $"  {a.ApiKey}"]);
        });
        partners.Subcommands.Add(addKey);

        var revokePartner = new Argument<string>("partnerId");
        var keyId = new Argument<string>("keyId") { Description = "The key id printed when the key was created." };
        var revoke = new Command("revoke-key", "Revoke an API key: refused at once here, everywhere within a minute.") { revokePartner, keyId };
        revoke.Runs(async (context, cancellationToken) =>
        {
            var (id, key) = (context.Result.GetValue(revokePartner)!, context.Result.GetValue(keyId)!);
            await context.Api.SendAsync(HttpMethod.Delete, $"api/ops/partners/{Uri.EscapeDataString(id)}/api-keys/{Uri.EscapeDataString(key)}", null, Caller.Ops, cancellationToken);
            await context.WriteAsync(new { partnerId = id, keyId = key, revoked = true }, _ => [$"API key {key} of {id} revoked."]);
        });
        partners.Subcommands.Add(revoke);

        var credentialsPartner = new Argument<string>("partnerId");
        var credentials = new Command("credentials", "List a partner's webhook secrets, API keys and payment-provider credentials: ids, created, last used, retirement (never the secrets).") { credentialsPartner };
        credentials.Runs(async (context, cancellationToken) =>
        {
            var id = context.Result.GetValue(credentialsPartner)!;
            var listed = await context.Api.GetAsync<PartnerCredentialList>($"api/ops/partners/{Uri.EscapeDataString(id)}/credentials", Caller.Ops, cancellationToken);
            await context.WriteAsync(listed, l =>
            [
                $"Credentials of {id}:",
                .. l.WebhookSecrets.Select(s => Line("webhook secret", s.SecretId, s.CreatedAt, s.LastUsedAt, s.RetiresAt, s.Active)),
                .. l.ApiKeys.Select(k => Line("API key", k.KeyId, k.CreatedAt, k.LastUsedAt, k.RetiresAt, k.Active)),
                .. l.PaymentCredentials.Select(c => Line($"{c.Provider} credential", c.CredentialId + Identifiers(c), c.CreatedAt, c.LastUsedAt, c.RetiresAt, c.Active)),
            ]);
        });
        partners.Subcommands.Add(credentials);

        var overlap = new Option<int?>("--overlap-minutes") { Description = "How long it keeps working, for the partner to switch (default 60; 0 = now, for a leaked one)." };
        var retireSecretPartner = new Argument<string>("partnerId");
        var secretId = new Argument<string>("secretId") { Description = "As listed by `fulfil partners credentials`." };
        var retireSecret = new Command("retire-secret", "Retire a webhook secret after an overlap: then it verifies no webhook and signs no callback.") { retireSecretPartner, secretId, overlap };
        retireSecret.Runs(async (context, cancellationToken) =>
        {
            var (id, secret) = (context.Result.GetValue(retireSecretPartner)!, context.Result.GetValue(secretId)!);
            var retired = await context.Api.PostAsync<WebhookSecretRetired>(
                $"api/ops/partners/{Uri.EscapeDataString(id)}/webhook-secrets/{Uri.EscapeDataString(secret)}/retire",
                new RetireRequest(context.Result.GetValue(overlap)), Caller.Ops, cancellationToken);
            await context.WriteAsync(retired, r => [$"Webhook secret {secret} of {id} retires at {Time(r.RetiresAt)}."]);
        });
        partners.Subcommands.Add(retireSecret);

        var retireKeyPartner = new Argument<string>("partnerId");
        var retireKeyId = new Argument<string>("keyId");
        var retireKey = new Command("retire-key", "Retire an API key after an overlap (revoke-key refuses it at once).") { retireKeyPartner, retireKeyId, overlap };
        retireKey.Runs(async (context, cancellationToken) =>
        {
            var (id, key) = (context.Result.GetValue(retireKeyPartner)!, context.Result.GetValue(retireKeyId)!);
            var retired = await context.Api.PostAsync<ApiKeyRetired>(
                $"api/ops/partners/{Uri.EscapeDataString(id)}/api-keys/{Uri.EscapeDataString(key)}/retire",
                new RetireRequest(context.Result.GetValue(overlap)), Caller.Ops, cancellationToken);
            await context.WriteAsync(retired, r => [$"API key {key} of {id} retires at {Time(r.RetiresAt)}."]);
        });
        partners.Subcommands.Add(retireKey);
        partners.Subcommands.Add(AddPaymentCredential());
        partners.Subcommands.Add(RetirePaymentCredential(overlap));
        return partners;
    }

    private static Command AddPaymentCredential()
    {
        var partnerId = new Argument<string>("partnerId");
        var provider = new Argument<string>("provider") { Description = "stripe, wechatpay or alipay." };
        provider.AcceptOnlyFromAmong("stripe", "wechatpay", "alipay");
        var endpointSecret = new Option<string?>("--endpoint-secret") { Description = "Stripe: the webhook endpoint's signing secret (whsec_…)." };
        var merchantId = new Option<string?>("--merchant-id") { Description = "WeChat Pay: the merchant id (mchid)." };
        var apiV3Key = new Option<string?>("--api-v3-key") { Description = "WeChat Pay: the 32-character APIv3 key." };
        var serial = new Option<string?>("--public-key-serial") { Description = "WeChat Pay: the serial of the public key (PUB_KEY_ID_…) or platform certificate." };
        var publicKeyFile = new Option<string?>("--public-key-file") { Description = "WeChat Pay: the WeChat Pay public key or platform certificate (PEM); Alipay: the Alipay public key (PEM or bare base64)." };
        var appId = new Option<string?>("--app-id") { Description = "Alipay: the application id." };
        var sellerId = new Option<string?>("--seller-id") { Description = "Alipay: the seller id (2088…)." };
        var add = new Command("add-payment-credential",
            "Add a credential for a payment provider's notifications (the partner's others stay valid: rotation). Stored sealed; never shown again.")
        {
            partnerId, provider, endpointSecret, merchantId, apiV3Key, serial, publicKeyFile, appId, sellerId,
        };
        add.Runs(async (context, cancellationToken) =>
        {
            var r = context.Result;
            var id = r.GetValue(partnerId)!;
            var keyFile = r.GetValue(publicKeyFile);
            var publicKey = keyFile is null ? null : await LocalFile.ReadTextAsync(keyFile, Console.In, cancellationToken);
            var added = await context.Api.PostAsync<PaymentCredentialSummary>(
                $"api/ops/partners/{Uri.EscapeDataString(id)}/payment-credentials",
                new PaymentCredentialRequest(r.GetValue(provider)!, r.GetValue(endpointSecret), r.GetValue(merchantId), r.GetValue(apiV3Key), r.GetValue(serial), publicKey, r.GetValue(appId), r.GetValue(sellerId)),
                Caller.Ops, cancellationToken);
            await context.WriteAsync(added, c => [$"{c.Provider} credential {c.CredentialId}{Identifiers(c)} added for {id}."]);
        });
        return add;
    }

    private static Command RetirePaymentCredential(Option<int?> overlap)
    {
        var partnerId = new Argument<string>("partnerId");
        var credentialId = new Argument<string>("credentialId") { Description = "As listed by `fulfil partners credentials`." };
        var retire = new Command("retire-payment-credential", "Retire a payment-provider credential after an overlap: then it verifies no notification.") { partnerId, credentialId, overlap };
        retire.Runs(async (context, cancellationToken) =>
        {
            var (id, credential) = (context.Result.GetValue(partnerId)!, context.Result.GetValue(credentialId)!);
            var retired = await context.Api.PostAsync<PaymentCredentialRetired>(
                $"api/ops/partners/{Uri.EscapeDataString(id)}/payment-credentials/{Uri.EscapeDataString(credential)}/retire",
                new RetireRequest(context.Result.GetValue(overlap)), Caller.Ops, cancellationToken);
            await context.WriteAsync(retired, r => [$"Payment credential {credential} of {id} retires at {Time(r.RetiresAt)}."]);
        });
        return retire;
    }

    /// <summary>What names a payment credential besides its id: never a secret.</summary>
    private static string Identifiers(PaymentCredentialSummary c) =>
        string.Concat(new[] { ("merchant", c.MerchantId), ("serial", c.PublicKeySerial), ("app", c.AppId), ("seller", c.SellerId) }
            .Where(x => x.Item2 is not null).Select(x => $" {x.Item1} {x.Item2}"));

    private static string Line(string kind, string id, DateTimeOffset? createdAt, DateTimeOffset? lastUsedAt, DateTimeOffset? retiresAt, bool active) =>
        $"  {kind} {id}: created {Time(createdAt)}, last used {Time(lastUsedAt)}"
        + (retiresAt is null ? "" : $", retires {Time(retiresAt)}")
        + (active ? "" : " (retired)");

    private static string Time(DateTimeOffset? at) => at?.ToString("u", CultureInfo.InvariantCulture) ?? "-";
}
