using CaptionBoundaries.Contracts;
using CaptionBoundaries.Domain.Checkpoints;
using CaptionBoundaries.Domain.Datasets;
using CaptionBoundaries.Domain.Errors;
using CaptionBoundaries.Domain.Plugins;
using CaptionBoundaries.Infrastructure.Configuration;
using CaptionBoundaries.Infrastructure.DatasetVersions;
using FluentValidation;
using Spectre.Console;

namespace CaptionBoundaries.Host.Cli;

/// <summary>Turns the errors users cause into one clear line each and a non-zero exit code, never a stack trace.</summary>
public static class CliErrors
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;

    public static async Task<int> Run(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ValidationException e)
        {
            foreach (var failure in e.Errors)
                Error($"--{failure.PropertyName.Replace('_', '-')}: {failure.ErrorMessage}");
            return BadInput;
        }
        catch (InvalidConfigurationException e)
        {
            Error("invalid configuration; nothing was started.");
            foreach (var error in e.Errors) Error(error.ToString());
            return BadInput;
        }
        catch (Exception e) when (e is DomainException or Domain.Security.ForbiddenException or Domain.Security.NotAuthenticatedException)
        {
            Error(e.Message);
            return BadInput;
        }
        // The command line's own option checks (bench, load, local prediction) throw the framework's argument and
        // file exceptions; from a command they are the user's input too, so they stay one line here.
        catch (Exception e) when (e is UnknownPluginException or ModelConfigException or InputShapeException or CorruptCheckpointException
                                      or CorruptBlobException or DatasetFormatException or Domain.Common.InputTooLargeException
                                      or FileNotFoundException or DirectoryNotFoundException or KeyNotFoundException
                                      or ArgumentException or InvalidDataException or InvalidOperationException or NotSupportedException)
        {
            Error(e.Message);
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            Error("cancelled");
            return Failed;
        }
    }

    public static void Error(string message) => AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {message}");
}
