"""The shape of the graph: labels, relationship types and the properties they carry.

This is the contract between the Cypher in graph/, the seeds and the generator. Labels
and relationship types used in Cypher come from the names below, never from input.

Nodes (key property first):

    (:Region {code, name, level, prefixes})
        level: PROVINCE | CITY | DISTRICT | COUNTY | TOWN | VILLAGE (RegionLevel).
        prefixes: the household-code prefixes of the region's households (a village
        or town: its own code; a county-level unit: its 6 digits; a city or the
        province: the union over its children). Households are found by
        `h.code STARTS WITH p`, an index seek on the household_code constraint.
    (:Household {code, villageCode, address, headPhone, bankAccount,
                 registrationYear, standard, attribute, status, monitored,
                 mainCause, secondaryCauses, housingGrade, housingArea, safeWater,
                 electricity, roadAccess, sanitaryToilet, cooperativeMember,
                 plannedExitYear, version, createdAt, updatedAt,
                 deregisteredOn, deregistrationReason,
                 memberCount, responsibleOfficial, lastVisitDate})
        code: the village's 12 digits followed by 4 digits (a 16-digit number).
        The last three are derived and kept current in the transaction that changes
        what they derive from: memberCount (active memberships), responsibleOfficial
        (the code of the active RESPONSIBLE official, or null), lastVisitDate (the
        latest visit's date, or null).
        Added by the household file (issue 3): debt (outstanding debt in yuan,
        personal). Enums: graph/household.py (HouseholdStatus, HouseholdAttribute,
        PovertyCause, IdentificationStandard, HousingGrade, DeregistrationReason).
        Writes take a short write lock with `SET h._lock = true REMOVE h._lock`; the
        property never persists.
    (:Person {idNumber, name, sex, birthDate, ethnicity, education, schooling,
              health, labourAbility, workPlace, workMonths, medicalInsurance,
              criticalIllnessInsurance, pension, diedOn, phone, ref})
        ref: a random UUID set when the person is created (unique; migration step 4
        gave one to people created before): it names the person where the ID number,
        personal, must not (graph/explore.py's `Person:<ref>`). The seeds derive it
        from the synthetic ID number instead, so their runs are reproducible.
        Enums: graph/person.py (Sex, Relation, Education, Schooling, Health,
        LabourAbility; MembershipEndReason for MEMBER_OF.endReason).
    (:Official {code, name, unit, position, phone, idNumber, maxLoad, load})
        load: the number of active pairings, kept current like memberCount.
        Also createdAt, updatedAt (set by the upsert).
    (:Visit {id, date, purpose, notes, latitude, longitude, createdAt})
    (:ClientMutation {id, kind, subject, digest, result, createdAt})
        A phone's client-generated mutation id, written in the same transaction as
        the change (graph/client_mutation.py); a retry with the same id, caller and
        input (digest: SHA-256 of the input's canonical JSON) returns `result` and
        writes nothing; the same id with another input is CONFLICT.
    (:AuditRun {id, regionCode, rules, units, asOf, status, startedAt, finishedAt,
                heartbeatAt, worker, done, total, found, added, gone, error, startedBy})
        A run of the file audit (graph/audit_run.py): status RUNNING, DONE or FAILED;
        one transaction per rule and unit (a household-code prefix of the region), its
        progress kept here so any process answers auditRun(id).
    (:AuditLock {id: 'audit'})
        The one node every runAudit write-locks before it looks for a RUNNING run: one
        run at a time, across processes.
    (:Finding {id, rule, key, severity, status, summary, place, present, firstSeenAt,
               lastSeenAt, lastRunId, note, decidedAt})
        What a rule found (graph/finding.py); key (the rule and the sorted refs of the
        entities it concerns) is unique, so a run finds nothing twice. place: the
        household code that places it in the region tree.
    (:CrossCheckEntry {key, list, idNumber, source, importedAt})
        An ID number on a list from another registry (graph/crosscheck.py); key is
        list + ':' + idNumber. Never readable through the API.
    (:CrossCheckImport {id, list, source, received, added, importedAt})
        One import of entries: what the change history records.
    (:SchemaVersion {id: 'fupin', version})
    (:Generated)
        A second label on every node the scale generator writes (seeds/generator.py):
        its towns and villages, households, people, officials and visits. A run drops
        the nodes so labelled and writes them again; nothing else carries it, so the
        demo story and real data survive. Generated officials also carry regionCode,
        the county-level unit they work in.

Relationships:

    (:Region)-[:PART_OF]->(:Region)                    child to parent
    (:Household)-[:IN_VILLAGE]->(:Region {level: 'VILLAGE'})
    (:Person)-[:MEMBER_OF {relation, since, until, endReason}]->(:Household)
        active while until IS NULL.
    (:Official)-[:PAIRED_WITH {id, role, since, until}]->(:Household)
        role: RESPONSIBLE | ASSISTING; active while until IS NULL.
    (:Official)-[:MADE_VISIT]->(:Visit)-[:VISIT_TO]->(:Household)
    (:Finding)-[:CONCERNS]->(:Household | :Person | :Official)

Dates are Neo4j DATE values in China Standard Time; timestamps are DATETIME.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    REGION = "Region"
    HOUSEHOLD = "Household"
    PERSON = "Person"
    OFFICIAL = "Official"
    VISIT = "Visit"
    CLIENT_MUTATION = "ClientMutation"
    AUDIT_RUN = "AuditRun"
    AUDIT_LOCK = "AuditLock"
    FINDING = "Finding"
    CROSS_CHECK_ENTRY = "CrossCheckEntry"
    CROSS_CHECK_IMPORT = "CrossCheckImport"
    SCHEMA_VERSION = "SchemaVersion"
    TEST_MARKER = "FupinTestDatabase"
    GENERATED = "Generated"


class Rel(StrEnum):
    PART_OF = "PART_OF"
    IN_VILLAGE = "IN_VILLAGE"
    MEMBER_OF = "MEMBER_OF"
    PAIRED_WITH = "PAIRED_WITH"
    MADE_VISIT = "MADE_VISIT"
    VISIT_TO = "VISIT_TO"
    CONCERNS = "CONCERNS"


class RegionLevel(StrEnum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    DISTRICT = "DISTRICT"
    COUNTY = "COUNTY"
    TOWN = "TOWN"
    VILLAGE = "VILLAGE"


# Levels whose households share the region's own code as a prefix.
PREFIX_LEVELS = frozenset(
    {RegionLevel.DISTRICT, RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.VILLAGE}
)
