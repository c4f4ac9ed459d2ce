using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Infrastructure.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class RunRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DeletedAtUtc",
                table: "Experiments",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "Experiments",
                type: "nvarchar(max)",
                maxLength: 20000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RunGroupId",
                table: "Experiments",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "Experiments",
                type: "nvarchar(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<double>(
                name: "TestAccuracy",
                table: "Experiments",
                type: "float",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TestConfusionMatrixJson",
                table: "Experiments",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "TestLoss",
                table: "Experiments",
                type: "float",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "TestMacroF1",
                table: "Experiments",
                type: "float",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TestPerClassF1Json",
                table: "Experiments",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RunArtifacts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ExperimentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Path = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Sha256 = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    UploadedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunArtifacts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RunArtifacts_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunGroups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Name = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false),
                    ArtifactLocation = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    LifecycleStage = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Owner = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    TagsJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false),
                    LastUpdatedAtUtc = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunGroups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RunMetrics",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ExperimentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Key = table.Column<string>(type: "nvarchar(250)", maxLength: 250, nullable: false),
                    Value = table.Column<double>(type: "float", nullable: false),
                    IsNaN = table.Column<bool>(type: "bit", nullable: false),
                    TimestampMs = table.Column<long>(type: "bigint", nullable: false),
                    Step = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunMetrics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RunMetrics_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunParams",
                columns: table => new
                {
                    ExperimentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Key = table.Column<string>(type: "nvarchar(250)", maxLength: 250, nullable: false),
                    Value = table.Column<string>(type: "nvarchar(max)", maxLength: 6000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunParams", x => new { x.ExperimentId, x.Key });
                    table.ForeignKey(
                        name: "FK_RunParams_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunTags",
                columns: table => new
                {
                    ExperimentId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Key = table.Column<string>(type: "nvarchar(250)", maxLength: 250, nullable: false),
                    Value = table.Column<string>(type: "nvarchar(max)", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunTags", x => new { x.ExperimentId, x.Key });
                    table.ForeignKey(
                        name: "FK_RunTags_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_RunGroupId",
                table: "Experiments",
                column: "RunGroupId");

            migrationBuilder.CreateIndex(
                name: "IX_RunArtifacts_ExperimentId_Path",
                table: "RunArtifacts",
                columns: new[] { "ExperimentId", "Path" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RunArtifacts_Sha256",
                table: "RunArtifacts",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_RunGroups_Name",
                table: "RunGroups",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RunMetrics_ExperimentId_Key_Step",
                table: "RunMetrics",
                columns: new[] { "ExperimentId", "Key", "Step" });

            migrationBuilder.CreateIndex(
                name: "IX_RunTags_Key",
                table: "RunTags",
                column: "Key");

            migrationBuilder.AddForeignKey(
                name: "FK_Experiments_RunGroups_RunGroupId",
                table: "Experiments",
                column: "RunGroupId",
                principalTable: "RunGroups",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Experiments_RunGroups_RunGroupId",
                table: "Experiments");

            migrationBuilder.DropTable(
                name: "RunArtifacts");

            migrationBuilder.DropTable(
                name: "RunGroups");

            migrationBuilder.DropTable(
                name: "RunMetrics");

            migrationBuilder.DropTable(
                name: "RunParams");

            migrationBuilder.DropTable(
                name: "RunTags");

            migrationBuilder.DropIndex(
                name: "IX_Experiments_RunGroupId",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "DeletedAtUtc",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "Note",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "RunGroupId",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TestAccuracy",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TestConfusionMatrixJson",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TestLoss",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TestMacroF1",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TestPerClassF1Json",
                table: "Experiments");
        }
    }
}
