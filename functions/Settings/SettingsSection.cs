namespace Fulfilment.Settings;

/// <summary>An options class bound from app settings, and its section (null: the root, where the queue names are).</summary>
internal sealed record SettingsSection(Type Options, string? Section);
