namespace Fulfilment.Partners;

/// <summary>
/// One of a partner's credentials for a payment provider, stored sealed under the KEK with its webhook secrets. Its id
/// names it to ops; its secrets are never returned or logged. Several may be active at once (rotation): a notification
/// verified by any active one is accepted. Which fields are set depends on the provider:
/// Stripe: <see cref="EndpointSecret"/>;
/// WeChat Pay: <see cref="MerchantId"/>, <see cref="ApiV3Key"/>, and the WeChat Pay public key (or platform certificate's key) with its serial;
/// Alipay: <see cref="AppId"/>, <see cref="SellerId"/> and the Alipay public key.
/// </summary>
internal sealed record ProviderCredential(string Id, string Provider, DateTimeOffset CreatedAt, DateTimeOffset? RetiresAt = null, DateTimeOffset? LastUsedAt = null)
{
    /// <summary>Stripe: the webhook endpoint's signing secret (<c>whsec_…</c>).</summary>
    public string? EndpointSecret { get; init; }

    /// <summary>WeChat Pay: the merchant id (<c>mchid</c>).</summary>
    public string? MerchantId { get; init; }

    /// <summary>WeChat Pay: the APIv3 key (32 characters) that encrypts notification resources.</summary>
    public string? ApiV3Key { get; init; }

    /// <summary>WeChat Pay: the serial of the public key (<c>PUB_KEY_ID_…</c>) or platform certificate that signs notifications (<c>Wechatpay-Serial</c>).</summary>
    public string? PublicKeySerial { get; init; }

    /// <summary>WeChat Pay and Alipay: the provider's RSA public key, as PEM.</summary>
    public string? PublicKeyPem { get; init; }

    /// <summary>Alipay: the application id notifications carry as <c>app_id</c>.</summary>
    public string? AppId { get; init; }

    /// <summary>Alipay: the seller (merchant) id notifications carry as <c>seller_id</c>, 2088… (16 digits).</summary>
    public string? SellerId { get; init; }

    public bool IsActiveAt(DateTimeOffset now) => RetiresAt is not { } retires || retires > now;
}
