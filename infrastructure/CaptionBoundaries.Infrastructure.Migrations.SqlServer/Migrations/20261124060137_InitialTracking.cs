using System;
using Microsoft.EntityFrameworkCore.Migrations;
using CaptionBoundaries.Domain.Training;

#nullable disable

namespace CaptionBoundaries.Infrastructure.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class InitialTracking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ArchitectureName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    ModelConfigJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    HyperparametersJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    AugmentationName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    EmbedderName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    EmbedderVersion = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    DatasetIdentity = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    DatasetName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    DatasetPath = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    GitCommit = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Device = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    FailureReason = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    StartedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    FinishedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: true),
                    BestValMacroF1 = table.Column<double>(type: "float", nullable: true),
                    BestEpoch = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Checkpoints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ExperimentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Epoch = table.Column<int>(type: "int", nullable: false),
                    Path = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    ValMacroF1 = table.Column<double>(type: "float", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Checkpoints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Checkpoints_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EpochMetrics",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ExperimentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Epoch = table.Column<int>(type: "int", nullable: false),
                    TrainLoss = table.Column<double>(type: "float", nullable: false),
                    ValLoss = table.Column<double>(type: "float", nullable: false),
                    ValAccuracy = table.Column<double>(type: "float", nullable: false),
                    ValMacroF1 = table.Column<double>(type: "float", nullable: false),
                    PerClassF1Json = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ConfusionMatrixJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    DurationSeconds = table.Column<double>(type: "float", nullable: false),
                    RecordedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EpochMetrics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EpochMetrics_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Checkpoints_ExperimentId_Kind",
                table: "Checkpoints",
                columns: new[] { "ExperimentId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EpochMetrics_ExperimentId_Epoch",
                table: "EpochMetrics",
                columns: new[] { "ExperimentId", "Epoch" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ArchitectureName",
                table: "Experiments",
                column: "ArchitectureName");

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_BestValMacroF1",
                table: "Experiments",
                column: "BestValMacroF1");

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_DatasetIdentity",
                table: "Experiments",
                column: "DatasetIdentity");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Checkpoints");

            migrationBuilder.DropTable(
                name: "EpochMetrics");

            migrationBuilder.DropTable(
                name: "Experiments");
        }
    }
}
