using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Application.Tracking.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Monitoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DriftAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ModelName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Metric = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Value = table.Column<double>(type: "float", nullable: false),
                    Threshold = table.Column<double>(type: "float", nullable: false),
                    Message = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    OpenedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastSeenAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ResolvedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Occurrences = table.Column<int>(type: "int", nullable: false),
                    CleanStreak = table.Column<int>(type: "int", nullable: false),
                    EvaluationId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftAlerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DriftEvaluations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ModelName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    WindowCount = table.Column<int>(type: "int", nullable: false),
                    FirstPredictionId = table.Column<long>(type: "bigint", nullable: false),
                    LastPredictionId = table.Column<long>(type: "bigint", nullable: false),
                    ConfidencePsi = table.Column<double>(type: "float", nullable: false),
                    PsiBins = table.Column<int>(type: "int", nullable: false),
                    ClassJs = table.Column<double>(type: "float", nullable: false),
                    ClassChi2 = table.Column<double>(type: "float", nullable: false),
                    ClassChi2P = table.Column<double>(type: "float", nullable: false),
                    ClassCountsJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    InputKsJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Breaches = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    MeanConfidence = table.Column<double>(type: "float", nullable: false),
                    MeanLatencyMs = table.Column<double>(type: "float", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftEvaluations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ModelReferences",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ModelName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Note = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    DatasetFolder = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    DatasetIdentity = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Split = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: true),
                    SampleCount = table.Column<int>(type: "int", nullable: false),
                    ProfileJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    UpdatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelReferences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MonitoringSettings",
                columns: table => new
                {
                    ModelName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    WindowSize = table.Column<int>(type: "int", nullable: false),
                    EvaluateEvery = table.Column<int>(type: "int", nullable: false),
                    MinWindow = table.Column<int>(type: "int", nullable: false),
                    PsiBins = table.Column<int>(type: "int", nullable: false),
                    PsiThreshold = table.Column<double>(type: "float", nullable: false),
                    ClassJsThreshold = table.Column<double>(type: "float", nullable: false),
                    ClassChi2Alpha = table.Column<double>(type: "float", nullable: false),
                    InputKsAlpha = table.Column<double>(type: "float", nullable: false),
                    ResolveAfterCleanWindows = table.Column<int>(type: "int", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    UpdatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonitoringSettings", x => x.ModelName);
                });

            migrationBuilder.CreateTable(
                name: "PredictionLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ModelName = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    PredictedClass = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Confidence = table.Column<double>(type: "float", nullable: false),
                    LatencyMs = table.Column<double>(type: "float", nullable: false),
                    AtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Frame1Brightness = table.Column<double>(type: "float", nullable: false),
                    Frame1Contrast = table.Column<double>(type: "float", nullable: false),
                    Frame2Brightness = table.Column<double>(type: "float", nullable: false),
                    Frame2Contrast = table.Column<double>(type: "float", nullable: false),
                    FrameDifference = table.Column<double>(type: "float", nullable: false),
                    OcrInk = table.Column<double>(type: "float", nullable: false),
                    CaptionBandContrast = table.Column<double>(type: "float", nullable: false),
                    SpatialMean = table.Column<double>(type: "float", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PredictionLog", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DriftAlerts_ModelName_Version_Metric_Status",
                table: "DriftAlerts",
                columns: new[] { "ModelName", "Version", "Metric", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftAlerts_OpenedAtUtc",
                table: "DriftAlerts",
                column: "OpenedAtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_DriftEvaluations_ModelName_Version_Id",
                table: "DriftEvaluations",
                columns: new[] { "ModelName", "Version", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ModelReferences_ModelName_Version",
                table: "ModelReferences",
                columns: new[] { "ModelName", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PredictionLog_AtUtc",
                table: "PredictionLog",
                column: "AtUtc");

            migrationBuilder.CreateIndex(
                name: "IX_PredictionLog_ModelName_Version_Id",
                table: "PredictionLog",
                columns: new[] { "ModelName", "Version", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DriftAlerts");

            migrationBuilder.DropTable(
                name: "DriftEvaluations");

            migrationBuilder.DropTable(
                name: "ModelReferences");

            migrationBuilder.DropTable(
                name: "MonitoringSettings");

            migrationBuilder.DropTable(
                name: "PredictionLog");
        }
    }
}
