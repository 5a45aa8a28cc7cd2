using System.ComponentModel.DataAnnotations;

namespace Fulfilment.Ops;

/// <summary>The ops settings (section <c>Ops</c>).</summary>
internal sealed class OpsOptions
{
    /// <summary>The ops credential, sent as <c>Authorization: Bearer &lt;key&gt;</c>; distinct from partner keys.</summary>
    [Required, MinLength(16)]
    public string ApiKey { get; set; } = "";

    /// <summary>How often one message may be replayed from a poison queue before replays refuse it.</summary>
    [Range(1, 100)]
    public int ReplayCap { get; set; } = 3;
}
