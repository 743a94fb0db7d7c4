"""The shape of the graph: labels, relationship types and the properties they carry.

This is the contract between the Cypher in graph/, the seeds and the generator. Labels
and relationship types used in Cypher come from the names below, never from input.

Nodes (key property first):

    (:Region {code, name, level, prefixes, ruralPopulation})
        level: PROVINCE | CITY | DISTRICT | COUNTY | TOWN | VILLAGE (RegionLevel).
        prefixes: the household-code prefixes of the region's households (a village
        or town: its own code; a county-level unit: its 6 digits; a city or the
        province: the union over its children). Households are found by
        `h.code STARTS WITH p`, an index seek on the household_code constraint.
        ruralPopulation: people, when known (setRuralPopulation; the generator: each
        village's, every level above the sum of its villages'): regionStats' incidence.
    (:Household {code, villageCode, address, headPhone, bankAccount,
                 registrationYear, standard, attribute, status, monitored,
                 mainCause, secondaryCauses, housingGrade, housingArea, safeWater,
                 electricity, roadAccess, sanitaryToilet, cooperativeMember,
                 plannedExitYear, version, createdAt, updatedAt,
                 deregisteredOn, deregistrationReason,
                 memberCount, responsibleOfficial, lastVisitDate,
                 latestIncomeYear, latestPerCapitaNet, previousPerCapitaNet,
                 statusSince, exitYear,
                 incomeYears, incomeNets, incomeSizes,
                 measureKeys, measureCounts, measureAmounts, firstMeasureYear,
                 exitYears, returnYears})
        code: the village's 12 digits followed by 4 digits (a 16-digit number).
        The last three are derived and kept current in the transaction that changes
        what they derive from: memberCount (active memberships), responsibleOfficial
        (the code of the active RESPONSIBLE official, or null), lastVisitDate (the
        latest visit's date, or null); so is monitored (issue 13: an open
        MonitoringRecord). status BORDERLINE (issue 13): not poor, watched.
        The summaries the statistics read instead of a household's records (issue 14;
        graph/derived.py keeps them current on write): incomeYears (the years of its
        income records, ascending) with incomeNets and incomeSizes beside them (each
        record's perCapitaNet and householdSize); measureKeys ('YYYY:CATEGORY' for each
        year and category of its non-voided measures, ascending) with measureCounts and
        measureAmounts (yuan) beside them, and firstMeasureYear; exitYears (its passed
        assessments' years) and returnYears (the years of its changes to RETURNED).
        Added by the household file (issue 3): debt (outstanding debt in yuan,
        personal); by traceability (issue 15): traceCode (FPH..., unique; set with
        its first lot). Enums: graph/household.py (HouseholdStatus, HouseholdAttribute,
        PovertyCause, IdentificationStandard, HousingGrade, DeregistrationReason).
        Writes take a short write lock with `SET h._lock = true REMOVE h._lock`; the
        property never persists.
    (:Person {idNumber, name, sex, birthDate, ethnicity, education, schooling,
              health, labourAbility, workPlace, workMonths, medicalInsurance,
              criticalIllnessInsurance, pension, diedOn, phone, ref})
        ref: a random UUID set when the person is created (unique; migration step 4
        gave one to people created before): it names the person where the ID number,
        personal, must not (graph/explore_kinds.py's `Person:<ref>`). The seeds derive it
        from the synthetic ID number instead, so their runs are reproducible.
        Enums: graph/person.py (Sex, Relation, Education, Schooling, Health,
        LabourAbility; MembershipEndReason for MEMBER_OF.endReason).
    (:Official {code, name, unit, position, phone, idNumber, maxLoad, load})
        load: the number of active pairings, kept current like memberCount.
        Also createdAt, updatedAt (set by the upsert).
    (:Visit {id, date, purpose, notes, latitude, longitude, createdAt})
    (:Measure {id, category, date, amount, quantity, unit, description, agency,
               termMonths, notes, voidedOn, voidReason, createdAt})
        A support measure delivered to a household (DOMAIN.md section 5; graph/
        measure.py): amounts in whole yuan; voided ones (voidedOn set) stay, out of
        every figure.
    (:IncomeRecord {id, year, wages, productionIncome, productionCosts, propertyIncome,
                    pensionIncome, lowIncomeGuarantee, subsidies, ecologicalCompensation,
                    householdSize, version, createdAt, updatedAt})
        A household's income of one year, whole yuan (graph/income.py, which holds the
        one perCapitaNet formula); at most one a household and year.
    (:StatusChange {id, from, to, on, reason, cause, seq, createdAt})
        One change of a household's status (graph/status.py): `from` null for the
        first; reason REGISTERED, BACKFILLED, EXIT_ASSESSMENT, RETURN_TO_POVERTY or
        DEREGISTERED (StatusReason); cause: a return's PovertyCause; seq orders the
        changes of one household on the same day. The household's statusSince (the
        latest change's date) and exitYear (the latest passed assessment's year) are
        derived from them and its assessments (graph/status.py `refresh_status`).
    (:Assessment {id, year, date, passed, threshold, perCapitaNet, householdSize,
                  housingGrade, checks, faults, verifiedBy, foodSecure, clothingSecure,
                  villageConfirmed, createdAt})
        An exit assessment (graph/assessment.py): checks lists every ExitCheckKind
        as 'KIND:OUTCOME' (OUTCOME PASSED or the failure's reason code), faults the
        members at fault as 'KIND:<person ref>'; verifiedBy the official's code.
    (:PovertyLine {year, line, exitLine, updatedAt})
        The line from `year` on (yuan per person per year) until a later row; the exit
        threshold is exitLine, else line. Data, not code: a migration MERGEs the
        national figures ON CREATE, setPovertyLine edits them.
    (:ClientMutation {id, kind, subject, digest, result, createdAt})
        A phone's client-generated mutation id, written in the same transaction as
        the change (graph/client_mutation.py); a retry with the same id, caller and
        input (digest: SHA-256 of the input's canonical JSON) returns `result` and
        writes nothing; the same id with another input is CONFLICT.
    (:Product {code, name, category, unit})
        A catalogue item (graph/product.py: ProductCategory, QuantityUnit); a
        migration seeds DOMAIN.md's products.
    (:Cooperative {code, name, traceCode, villageCode, createdAt})
        traceCode: FPC... (graph/trace_code.py), unique.
    (:Lot {traceCode, quantity, unit, remaining, producedOn, villageCode, createdAt})
        A batch (DOMAIN.md section 8). traceCode FPL..., unique. remaining: quantity
        less what transformations (and, from D2, orders) drew; changed only under
        the lot's write lock (graph/write.py `Write.lot`). villageCode: where it was
        produced (the producer's village). Households get a traceCode (FPH...) with
        their first lot.
    (:TraceEvent {id, eventType, bizStep, kind, eventTime, recordTime, readPoint,
                  bizTransaction})
        A GS1 EPCIS step: eventType OBJECT (bizStep commissioning, accepting) or
        TRANSFORMATION (transforming, packing; kind BLENDING, PROCESSING, PACKING).
        readPoint: the village code where it happened.
    (:Payment {id, amount, date, source, voidedOn})
        amount in integer fen (yuan x 100); source ACCEPTANCE or SALE (an order
        line, graph/order.py); voided when its order is cancelled. A
        household's payments are its platform sales (graph/payment.py).
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
    (:Seller {code, name, kind, regionCode, createdAt, updatedAt})
        Who sells (issue 16): a self-service store, an online shop, a village
        e-commerce service station or an enterprise (graph/seller.py SellerKind).
    (:Buyer {sellerCode, id, cityCode})
        A buyer as one seller knows them: a pseudonymous id the seller chose, unique
        per seller, and a 6-digit region code or null; nothing else is stored.
    (:Order {sellerCode, id, channel, placedAt, status, total, digest, createdAt,
             cancelledOn, cancelReason})
        A sale (graph/order.py): id unique per seller; total in integer fen; status
        PLACED or CANCELLED; digest: the recorded input's, so a replay is recognised.
    (:SalesDay {regionCode, day, orders, revenue, firstOrders, previousDays, channels,
                channelOrders, channelRevenues, products, productQuantities,
                productRevenues})
        What the PLACED orders placed on one CST day sold in one region that is not a
        village (graph/sales_summary.py keeps it current; salesImpact reads it): the
        orders with a line of a lot produced in the region, the amount of those lines
        (fen), per channel (ascending, lists in step) its orders and amount, per
        product code (ascending) its quantity and amount; for the distinct buyers,
        per order the CST day of the same buyer's previous PLACED order in the region
        (previousDays, ascending) or, without one, a count (firstOrders). Unique on
        (regionCode, day); a day without such orders has no node.
    (:HouseholdPayments {code, days, amounts})
        A household's unvoided ACCEPTANCE and SALE payments, by date then id: their
        dates and amounts (fen) in step (graph/payment.py's SUMMARIZE_PAYMENTS, run
        wherever a household's income figures are refreshed; salesImpact reads it).
        code: the household's (unique); only a household with such payments has one,
        so a region's paid households are a seek on its prefixes. Generated with its
        household.
    (:MonitoringRecord {id, group, riskTypes, startedOn, removedOn, removalReason, note,
                        createdAt})
        Return-to-poverty monitoring of a household (issue 13; graph/monitoring.py):
        group UNSTABLE_EXITED, BORDERLINE or SUDDEN_HARDSHIP (MonitoringGroup),
        riskTypes 1-4 of RiskType, open while removedOn is null (removalReason then
        RISK_REMOVED, RETURNED_TO_POVERTY or DEREGISTERED). At most one open record a
        household; the household's `monitored` is derived from it (graph/derived.py).
    (:Feedback {id, source, category, score, text, status, submittedOn, answer,
                answeredOn, closedOn, createdAt})
        Feedback on a household (graph/feedback.py): source HOUSEHOLD or OFFICIAL,
        category COMPLAINT, REQUEST or SATISFACTION (score 1-5 required for it),
        status OPEN -> ANSWERED -> CLOSED; text and answer personal.
    (:SchemaVersion {id: 'fupin', version})
    (:Generated)
        A second label on every node the scale generator writes (seeds/generator.py):
        its towns and villages, households, people, officials, visits, measures and
        income records (seeds/support.py). A run drops the nodes so labelled and writes
        them again; nothing else carries it, so the demo story and real data survive.
        Generated officials also carry regionCode, the county-level unit they work in.

Relationships:

    (:Region)-[:PART_OF]->(:Region)                    child to parent
    (:Household)-[:IN_VILLAGE]->(:Region {level: 'VILLAGE'})
    (:Person)-[:MEMBER_OF {relation, since, until, endReason}]->(:Household)
        active while until IS NULL.
    (:Official)-[:PAIRED_WITH {id, role, since, until}]->(:Household)
        role: RESPONSIBLE | ASSISTING; active while until IS NULL.
    (:Official)-[:MADE_VISIT]->(:Visit)-[:VISIT_TO]->(:Household)
    (:Measure)-[:MEASURE_FOR]->(:Household)
    (:Official)-[:DELIVERED]->(:Measure)     optional: the deliverer, else m.agency
    (:Measure)-[:RECEIVED_BY]->(:Person)     optional: the member who received it
    (:IncomeRecord)-[:INCOME_OF]->(:Household)
    (:StatusChange)-[:STATUS_OF]->(:Household)
    (:StatusChange)-[:DECIDED_BY]->(:Assessment)   the exit it records
    (:Assessment)-[:ASSESSES]->(:Household)
    (:Official)-[:VERIFIED]->(:Assessment)
    (:Cooperative)-[:LOCATED_IN]->(:Region {level: 'VILLAGE'})
    (:Household)-[:COOPERATIVE_MEMBER {id, since, until}]->(:Cooperative)
        active while until IS NULL.
    (:Lot)-[:OF_PRODUCT]->(:Product)
    (:Household|Cooperative)-[:PRODUCED]->(:Lot)    who made it
    (:Household|Cooperative)-[:OWNS]->(:Lot)        who holds it now (one owner)
    (:TraceEvent)-[:INPUT {quantity}]->(:Lot)       a transformation's inputs
    (:TraceEvent)-[:OUTPUT {quantity}]->(:Lot)      a transformation's outputs, and
        the lots an object event (commissioning, accepting) is about
    (:Payment)-[:PAID_TO]->(:Household|Cooperative)
    (:Payment)-[:PAID_FOR]->(:Lot)
    (:Finding)-[:CONCERNS]->(:Household | :Person | :Official | :Measure | :Assessment
                             | :MonitoringRecord)
    (:Payment)-[:FOR_ORDER]->(:Order)               a sale's payment (source SALE)
    (:Seller)-[:LOCATED_IN]->(:Region)
    (:Seller)-[:SOLD]->(:Order)-[:BOUGHT_BY]->(:Buyer)
    (:Order)-[:LINE {n, quantity, unitPrice, amount}]->(:Lot)
        n: the line's position (0, 1, ...); unitPrice and amount in integer fen.
    (:MonitoringRecord)-[:MONITORS]->(:Household)
    (:Feedback)-[:FEEDBACK_ON]->(:Household)
    (:Official)-[:SUBMITTED]->(:Feedback)          an official's own feedback

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
    MEASURE = "Measure"
    INCOME_RECORD = "IncomeRecord"
    POVERTY_LINE = "PovertyLine"
    STATUS_CHANGE = "StatusChange"
    ASSESSMENT = "Assessment"
    PRODUCT = "Product"
    COOPERATIVE = "Cooperative"
    LOT = "Lot"
    TRACE_EVENT = "TraceEvent"
    PAYMENT = "Payment"
    SELLER = "Seller"
    BUYER = "Buyer"
    ORDER = "Order"
    SALES_DAY = "SalesDay"
    HOUSEHOLD_PAYMENTS = "HouseholdPayments"
    MONITORING_RECORD = "MonitoringRecord"
    FEEDBACK = "Feedback"
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
    MEASURE_FOR = "MEASURE_FOR"
    DELIVERED = "DELIVERED"
    RECEIVED_BY = "RECEIVED_BY"
    INCOME_OF = "INCOME_OF"
    STATUS_OF = "STATUS_OF"
    DECIDED_BY = "DECIDED_BY"
    ASSESSES = "ASSESSES"
    VERIFIED = "VERIFIED"
    LOCATED_IN = "LOCATED_IN"
    COOPERATIVE_MEMBER = "COOPERATIVE_MEMBER"
    OF_PRODUCT = "OF_PRODUCT"
    PRODUCED = "PRODUCED"
    OWNS = "OWNS"
    INPUT = "INPUT"
    OUTPUT = "OUTPUT"
    PAID_TO = "PAID_TO"
    PAID_FOR = "PAID_FOR"
    CONCERNS = "CONCERNS"
    FOR_ORDER = "FOR_ORDER"
    SOLD = "SOLD"
    BOUGHT_BY = "BOUGHT_BY"
    LINE = "LINE"
    MONITORS = "MONITORS"
    FEEDBACK_ON = "FEEDBACK_ON"
    SUBMITTED = "SUBMITTED"


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
