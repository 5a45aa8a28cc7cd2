namespace Fulfilment.Egress;

/// <summary>Where the app may call out to. <see cref="AllowPrivateNetworks"/> is for local development only.</summary>
internal sealed class EgressOptions
{
    /// <summary>
    /// Lets partner callbacks and suppliers be on loopback or private addresses (local simulators), and over
    /// plain http. Refused at start-up outside Development.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}
