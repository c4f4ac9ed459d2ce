using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CaptionBoundaries.Infrastructure.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class TrainingStages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ParentExperimentId",
                table: "Experiments",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "StageIndex",
                table: "Experiments",
                type: "int",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StageName",
                table: "Experiments",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TotalParameters",
                table: "Experiments",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TrainableParameters",
                table: "Experiments",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TrainingPlanJson",
                table: "Experiments",
                type: "nvarchar(max)",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ParentExperimentId",
                table: "Experiments",
                column: "ParentExperimentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Experiments_ParentExperimentId",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "ParentExperimentId",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "StageIndex",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "StageName",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TotalParameters",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TrainableParameters",
                table: "Experiments");

            migrationBuilder.DropColumn(
                name: "TrainingPlanJson",
                table: "Experiments");
        }
    }
}
