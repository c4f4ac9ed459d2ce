using CaptionBoundaries.Application.Security;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Domain.Security;
using CaptionBoundaries.Infrastructure.Security;
using Mediator;

namespace CaptionBoundaries.Application.Features.Plugins;

/// <summary>Admins install a plugin (a .dll or a .zip of its folder); it is validated in isolation before it goes live.</summary>
[RequiresRole(Roles.Admin)]
public sealed record InstallPluginCommand(string PluginName, string FileName, Stream Content, long MaxBytes, bool Replace = false)
    : ICommand<PluginInstaller.Installed>;

public sealed class InstallPluginHandler(PluginInstaller installer) : ICommandHandler<InstallPluginCommand, PluginInstaller.Installed>
{
    public async ValueTask<PluginInstaller.Installed> Handle(InstallPluginCommand command, CancellationToken ct) =>
        await installer.InstallAsync(command.PluginName, command.FileName, command.Content, command.MaxBytes, command.Replace, ct);
}
