"""Small datasets for the explorer's tests: one with qualifiers, units and links both ways, one full of markup.

Each is written into a folder as a CSV, its source document, a vocabulary and a dataset
description, the way a user's data would be; the tests build them with the library API.
"""

from __future__ import annotations

from pathlib import Path

from graph.defaults import DEFAULT_VOCABULARY

HEADER = "id,subject,predicate,object,datatype,lang,unit,approx,source,section,evidence"

# Labels, aliases, values, sentences and vocabulary labels that would run script if put in as HTML.
INJECTIONS = {
    "label_zh": "<img src=x onerror=alert(1)>",
    "label_en": "</script><script>alert(2)</script>",
    "alias": "javascript:alert(3)",
    "other_label": '"><svg onload=alert(4)>',
    "description": "<iframe src=javascript:alert(5)></iframe>",
    "homepage": "javascript:alert(6)",
    "sentence": "<img src=y onerror=alert(7)>是一句证据。",
    "class_label": "<b onmouseover=alert(8)>恶类</b>",
    "property_label": "</script><img src=z onerror=alert(9)>",
    "title": "<script>alert(10)</script>标题",
}

SMALL_SOURCE = (
    "宁波高新区在全国178家高新区中排名第10。\n"
    "集聚拔尖人才超300名。\n"
    "甬江实验室位于宁波高新区，宁波高新区支持甬江实验室。\n"
    "宁波是一座城市。\n"
)

SMALL_ROWS = [
    ",zone,a,kg:HighTechZone,,,,,source.txt,event-5,宁波高新区在全国178家高新区中排名第10。",
    ",zone,rdfs:label,宁波国家高新区,,zh,,,source.txt,event-5,宁波高新区在全国178家高新区中排名第10。",
    ",zone,rdfs:label,Ningbo National High-tech Zone,,en,,,source.txt,event-5,宁波高新区在全国178家高新区中排名第10。",
    ",zone,skos:altLabel,宁波高新区,,zh,,,source.txt,event-5,宁波高新区在全国178家高新区中排名第10。",
    "rank,zone,kg:rank,10,,,,,source.txt,event-5,宁波高新区在全国178家高新区中排名第10。",
    ",#rank,kg:outOf,178,,,,,,,",
    ",#rank,kg:assessor,city,,,,,,,",
    "talent,zone,kg:researcherCount,300,,,,over,source.txt,event-5,集聚拔尖人才超300名。",
    ",lab,a,kg:Laboratory,,,,,source.txt,event-9,甬江实验室位于宁波高新区，宁波高新区支持甬江实验室。",
    ",lab,rdfs:label,甬江实验室,,zh,,,source.txt,event-9,甬江实验室位于宁波高新区，宁波高新区支持甬江实验室。",
    ",lab,schema:location,zone,,,,,source.txt,event-9,甬江实验室位于宁波高新区，宁波高新区支持甬江实验室。",
    ",zone,schema:location,lab,,,,,source.txt,event-9,甬江实验室位于宁波高新区，宁波高新区支持甬江实验室。",
    ",city,a,schema:Place,,,,,source.txt,intro,宁波是一座城市。",
    ",city,rdfs:label,Ningbo,,en,,,source.txt,intro,宁波是一座城市。",
]


def write_small_dataset(folder: Path) -> Path:
    """Three entities, a qualified rank (with an entity qualifier), an approximate figure, a->b and b->a."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.txt").write_text(SMALL_SOURCE, encoding="utf-8")
    path = folder / "facts.csv"
    path.write_text("\n".join([HEADER, *SMALL_ROWS]) + "\n", encoding="utf-8")
    return path


def write_injection_dataset(folder: Path) -> tuple[Path, Path]:
    """A dataset whose every text is markup; returns the CSV and its vocabulary."""
    folder.mkdir(parents=True, exist_ok=True)
    i = INJECTIONS
    sentence = i["sentence"]
    (folder / "source.txt").write_text(f"{sentence}\n宁波是一座城市。\n", encoding="utf-8")
    vocabulary = folder / "vocabulary.ttl"
    vocabulary.write_text(
        DEFAULT_VOCABULARY.read_text(encoding="utf-8")
        + "\n"
        + f"kg:EvilClass a owl:Class ; rdfs:label {_turtle(i['class_label'])}@zh , {_turtle(i['class_label'])}@en .\n"
        + f'kg:evilLink a owl:ObjectProperty ; rdfs:label {_turtle(i["property_label"])}@zh , "evil link"@en .\n'
        + "kg:homepage a owl:DatatypeProperty ; rdfs:range xsd:anyURI ; "
        + 'rdfs:label "主页"@zh , "homepage"@en .\n'
        + 'kg:note a owl:DatatypeProperty ; rdfs:label "备注"@zh , "note"@en .\n',
        encoding="utf-8",
    )
    (folder / "dataset.ttl").write_text(
        "@prefix void: <http://rdfs.org/ns/void#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        f"<https://example.org/ningbo-kg/dataset> a void:Dataset ; dcterms:title {_turtle(i['title'])}@zh .\n",
        encoding="utf-8",
    )
    ev = f"source.txt,event-1,{_csv(sentence)}"
    rows = [
        f",evil,a,kg:EvilClass,,,,,{ev}",
        f",evil,rdfs:label,{_csv(i['label_zh'])},,zh,,,{ev}",
        f",evil,rdfs:label,{_csv(i['label_en'])},,en,,,{ev}",
        f",evil,skos:altLabel,{_csv(i['alias'])},,en,,,{ev}",
        f",evil,kg:note,{_csv(i['description'])},,zh,,,{ev}",
        f",evil,kg:homepage,{_csv(i['homepage'])},,,,,{ev}",
        f",evil,kg:evilLink,city,,,,,{ev}",
        f",city,a,schema:Place,,,,,{ev}",
        f",city,rdfs:label,{_csv(i['other_label'])},,zh,,,{ev}",
        ",city,rdfs:label,Ningbo,,en,,,source.txt,intro,宁波是一座城市。",
    ]
    path = folder / "facts.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path, vocabulary


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _turtle(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
