using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Fulfilment.Settings;

/// <summary>
/// The one way the app reads its settings: an options class per section, bound from configuration, its data
/// annotations checked at start (a bad setting stops the app with its name, before anything is served), and recorded
/// as a <see cref="SettingsSection"/> so that the infrastructure's app settings can be checked against what the app reads.
/// </summary>
internal static class SettingsRegistration
{
    public static IServiceCollection AddSettings<TOptions>(this IServiceCollection services, string? section)
        where TOptions : class
    {
        services.AddSingleton(new SettingsSection(typeof(TOptions), section));
        var options = services.AddOptions<TOptions>();
        (section is null ? options.Configure<IConfiguration>((o, configuration) => configuration.Bind(o)) : options.BindConfiguration(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Registers a section as <see cref="AddSettings{TOptions}"/> does and answers its settings as they are now, validated,
    /// for what the composition itself decides by (which Key Vault, whether private networks may be called).
    /// </summary>
    public static TOptions AddSettingsAndRead<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class, new()
    {
        services.AddSettings<TOptions>(section);
        var options = configuration.GetSection(section).Get<TOptions>() ?? new TOptions();
        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            throw new OptionsValidationException(section, typeof(TOptions), problems.Select(p => $"{section}: {p.ErrorMessage}"));
        }

        return options;
    }
}
